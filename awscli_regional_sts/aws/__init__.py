"""What AWS is, and small mechanics, with no CLI: partitions and regions,
which errors depend on the region, the words of reports, user-typed values,
safe files and a parallel runner. Imports nothing else of the package."""
