// Part of the connector's custom code: build joins templates/script/ into script.csx.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

public partial class Script
{
    // ---- MCP: the Streamable HTTP server side, stateless, JSON answers ------------------

    // Newest first. initialize answers the client's version when it is one of these and the
    // newest otherwise (MCP specification, lifecycle: version negotiation).
    private static readonly string[] McpVersions = new[] { "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05" };
    private const int McpParseError = -32700;
    private const int McpInvalidRequest = -32600;
    private const int McpMethodNotFound = -32601;
    private const int McpInvalidParams = -32602;

    // One POST holds one JSON-RPC message (or, as 2025-03-26 allowed, a batch). Requests get
    // their responses as application/json; notifications and responses alone get 202.
    private async Task<HttpResponseMessage> McpAsync()
    {
        HttpRequestMessage request = this.Context.Request;
        if (request.Method != HttpMethod.Post)
        {
            // No server-sent event stream: a stateless server has nothing to push.
            HttpResponseMessage refused = new HttpResponseMessage(HttpStatusCode.MethodNotAllowed);
            refused.Content = CreateJsonContent(McpError(JValue.CreateNull(), McpInvalidRequest, "Only POST is supported.").ToString(Formatting.None));
            return refused;
        }
        JToken message = ParseJsonToken(await ReadBytesAsync(request.Content).ConfigureAwait(false));
        if (message == null)
        {
            return JsonResponse(HttpStatusCode.BadRequest, McpError(JValue.CreateNull(), McpParseError, "Parse error: the body is not JSON."));
        }
        JArray batch = message as JArray;
        if (batch == null)
        {
            JObject answer = await this.McpMessageAsync(message).ConfigureAwait(false);
            if (answer == null)
            {
                return new HttpResponseMessage(HttpStatusCode.Accepted);
            }
            bool invalid = answer["error"] != null && (int)answer["error"]["code"] == McpInvalidRequest;
            return JsonResponse(invalid ? HttpStatusCode.BadRequest : HttpStatusCode.OK, answer);
        }
        if (batch.Count == 0)
        {
            return JsonResponse(HttpStatusCode.BadRequest, McpError(JValue.CreateNull(), McpInvalidRequest, "Invalid request: an empty batch."));
        }
        JArray answers = new JArray();
        foreach (JToken item in batch)
        {
            JObject answer = await this.McpMessageAsync(item).ConfigureAwait(false);
            if (answer != null)
            {
                answers.Add(answer);
            }
        }
        return answers.Count == 0 ? new HttpResponseMessage(HttpStatusCode.Accepted) : JsonResponse(HttpStatusCode.OK, answers);
    }

    // The response to one message; null for a notification or a client's response.
    private async Task<JObject> McpMessageAsync(JToken message)
    {
        JObject call = message as JObject;
        if (call == null || StringOf(call["jsonrpc"]) != "2.0")
        {
            return McpError(JValue.CreateNull(), McpInvalidRequest, "Invalid request: not a JSON-RPC 2.0 message.");
        }
        JToken id = call["id"];
        bool hasId = call.Property("id") != null;
        if (hasId && id.Type != JTokenType.String && id.Type != JTokenType.Integer)
        {
            return McpError(JValue.CreateNull(), McpInvalidRequest, "Invalid request: id must be a string or an integer.");
        }
        if (call.Property("method") == null)
        {
            bool response = hasId && (call.Property("result") != null || call.Property("error") != null);
            return response ? null : McpError(hasId ? id : JValue.CreateNull(), McpInvalidRequest, "Invalid request: no method.");
        }
        string method = StringOf(call["method"]);
        if (method == null)
        {
            return McpError(hasId ? id : JValue.CreateNull(), McpInvalidRequest, "Invalid request: method must be a string.");
        }
        if (!hasId)
        {
            return null; // notifications/initialized, cancellations, progress: nothing to answer
        }
        JToken parameters = call["params"];
        if (parameters != null && parameters.Type != JTokenType.Object)
        {
            return McpError(id, McpInvalidParams, "Invalid params: params must be an object.");
        }
        JObject given = parameters as JObject ?? new JObject();
        switch (method)
        {
            case "initialize":
                return McpResult(id, McpInitialize(given));
            case "ping":
                return McpResult(id, new JObject());
            case "tools/list":
                return McpResult(id, new JObject { { "tools", McpTools().DeepClone() } });
            case "tools/call":
                return await this.McpToolsCallAsync(id, given).ConfigureAwait(false);
            default:
                return McpError(id, McpMethodNotFound, "Method not found: " + method);
        }
    }

    internal static JObject McpInitialize(JObject parameters)
    {
        string asked = StringOf(parameters["protocolVersion"]);
        string version = asked != null && McpVersions.Contains(asked) ? asked : McpVersions[0];
        JObject server = McpServer();
        JObject result = new JObject
        {
            { "protocolVersion", version },
            { "capabilities", new JObject { { "tools", new JObject { { "listChanged", false } } } } },
            { "serverInfo", new JObject { { "name", server["name"] }, { "title", server["title"] }, { "version", server["version"] } } },
        };
        if (StringOf(server["instructions"]) != null)
        {
            result["instructions"] = server["instructions"];
        }
        return result;
    }

    private async Task<JObject> McpToolsCallAsync(JToken id, JObject parameters)
    {
        string name = StringOf(parameters["name"]);
        if (name == null)
        {
            return McpError(id, McpInvalidParams, "Invalid params: tools/call needs the tool's name.");
        }
        JObject route = McpRoutes()[name] as JObject;
        if (route == null)
        {
            return McpError(id, McpInvalidParams, "Unknown tool: " + name);
        }
        JToken arguments = parameters["arguments"];
        JObject result;
        if (arguments != null && arguments.Type != JTokenType.Object && arguments.Type != JTokenType.Null)
        {
            result = McpToolError("CONNECTOR_MCP01", "arguments must be an object.");
        }
        else
        {
            try
            {
                result = await this.McpRunToolAsync(route, arguments as JObject ?? new JObject()).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                // A tool fails as a tool result the agent can read, never as a JSON-RPC crash.
                result = McpToolError("CONNECTOR_MCP09", "The connector could not run the tool: " + error.Message);
            }
        }
        return McpResult(id, result);
    }

    private static JObject McpResult(JToken id, JObject result)
    {
        return new JObject { { "jsonrpc", "2.0" }, { "id", id.DeepClone() }, { "result", result } };
    }

    internal static JObject McpError(JToken id, int code, string message)
    {
        return new JObject
        {
            { "jsonrpc", "2.0" },
            { "id", id.DeepClone() },
            { "error", new JObject { { "code", code }, { "message", message } } },
        };
    }

    // Any JSON value (UTF-8, optional BOM), or null if the body is not JSON.
    internal static JToken ParseJsonToken(byte[] body)
    {
        int start = body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF ? 3 : 0;
        try
        {
            string text = StrictUtf8.GetString(body, start, body.Length - start);
            using (JsonTextReader reader = new JsonTextReader(new StringReader(text)))
            {
                reader.DateParseHandling = DateParseHandling.None;
                JToken token = JToken.ReadFrom(reader);
                return reader.Read() ? null : token;
            }
        }
        catch (JsonException)
        {
            return null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    // The rendered constants, parsed once per process.
    private static JObject mcpServer;
    private static JArray mcpTools;
    private static JObject mcpRoutes;

    private static JObject McpServer()
    {
        return mcpServer ?? (mcpServer = JObject.Parse(McpServerJson));
    }

    private static JArray McpTools()
    {
        return mcpTools ?? (mcpTools = JArray.Parse(McpToolsJson));
    }

    private static JObject McpRoutes()
    {
        return mcpRoutes ?? (mcpRoutes = JObject.Parse(McpRoutesJson));
    }
}
