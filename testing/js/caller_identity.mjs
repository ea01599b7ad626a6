// A real non-Python client of the bridge: the AWS SDK for JavaScript v3
// resolves the profile named by AWS_PROFILE through its ordinary chain
// (argv[2]: "ini" = fromIni(), "default" = the client's default chain)
// and prints GetCallerIdentity's answer as JSON, plus the access key id
// it signed with (to compare with the simulator's log; no secret).
//
// Proxy: the SDK reaches a proxy only through an agent (AWS SDK for JS v3
// Developer Guide, "Configure proxies for Node.js"), so the agent is
// passed explicitly. CA: the SDK for JavaScript v3 does not read
// AWS_CA_BUNDLE; the caller sets NODE_EXTRA_CA_CERTS.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromIni } from "@aws-sdk/credential-providers";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { HttpsProxyAgent } from "https-proxy-agent";

const mode = process.argv[2] ?? "default";
const proxy = process.env.HTTPS_PROXY;
const options = {};
if (proxy) {
  options.requestHandler = new NodeHttpHandler({
    httpsAgent: new HttpsProxyAgent(proxy),
  });
}
if (mode === "ini") {
  options.credentials = fromIni();
}
const client = new STSClient(options);
try {
  const answer = await client.send(new GetCallerIdentityCommand({}));
  const credentials = await client.config.credentials();
  console.log(
    JSON.stringify({
      Arn: answer.Arn,
      Account: answer.Account,
      AccessKeyId: credentials.accessKeyId,
    }),
  );
} catch (error) {
  console.error(`${error.name}: ${error.message}`);
  process.exit(1);
}
