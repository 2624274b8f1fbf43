// The official MCP TypeScript SDK (@modelcontextprotocol/sdk, pinned in
// tests/conformance/package-lock.json) walks the plan over Streamable HTTP.
// Input: a JSON file {"urls": {connection: url}, "plan": [...]} (tests/mcp_clients/plan.py).
// Output (stdout): {"protocolVersion", "serverInfo", "tools", "results": [{id, isError, text}]}.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "conformance", "package.json"));
const load = (name) => import(pathToFileURL(require.resolve(name)).href);
const { Client } = await load("@modelcontextprotocol/sdk/client/index.js");
const { StreamableHTTPClientTransport } = await load("@modelcontextprotocol/sdk/client/streamableHttp.js");

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));

function resolve(value, answers) {
  if (Array.isArray(value)) return value.map((item) => resolve(item, answers));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, answers)]));
  }
  if (typeof value === "string" && value.startsWith("${") && value.endsWith("}")) {
    const [name, ...path] = value.slice(2, -1).split(".");
    return path.reduce((found, key) => (Array.isArray(found) ? found[Number(key)] : found[key]), answers[name]);
  }
  return value;
}

const clients = {};
for (const [name, url] of Object.entries(input.urls)) {
  const client = new Client({ name: "kintone-connector-tests", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  clients[name] = client;
}
const first = clients[Object.keys(clients)[0]];
const { tools } = await first.listTools();
const answers = {};
const results = [];
for (const step of input.plan) {
  const result = await clients[step.connection].callTool({ name: step.tool, arguments: resolve(step.arguments, answers) });
  const text = result.content[0].text;
  results.push({ id: step.id, isError: Boolean(result.isError), text });
  if (result.isError) break;
  answers[step.id] = JSON.parse(text);
}
const errors = {};
for (const [label, tool, args] of input.errors ?? []) {
  try {
    const result = await first.callTool({ name: tool, arguments: args });
    errors[label] = { isError: Boolean(result.isError), text: result.content[0].text };
  } catch (error) {
    errors[label] = { code: error.code, message: String(error.message) };
  }
}
process.stdout.write(JSON.stringify({
  protocolVersion: first.transport.protocolVersion ?? null,
  serverInfo: first.getServerVersion(),
  tools,
  results,
  errors,
}));
for (const client of Object.values(clients)) await client.close();
