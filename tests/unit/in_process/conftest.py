from tests.unit.in_process.harness import aws, in_process_simulator

__all__ = ["aws", "in_process_simulator"]
