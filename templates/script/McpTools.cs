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
    // ---- MCP: the tools, each a kintone REST call with the connection's authentication --

    private const int McpMaxText = 200000; // characters of one answer; more means narrow it
    private const int McpMaxFile = 700000; // bytes of a downloaded file returned as base64
    private const int McpPageMax = 500;    // records per Get records call (kintone's maximum)
    private const int McpOffsetMax = 10000; // kintone's offset limit; beyond it use a cursor

    private async Task<JObject> McpRunToolAsync(JObject route, JObject arguments)
    {
        string problem = McpCheckArguments(route, arguments);
        if (problem != null)
        {
            return McpToolError("CONNECTOR_MCP01", problem);
        }
        string path = McpPath((string)route["path"], arguments);
        if (path == null)
        {
            return McpToolError("CONNECTOR_MCP01", GuestSpaceParameter + " must be the digits of a guest space ID.");
        }
        switch ((string)route["handler"])
        {
            case "records":
                return await this.McpGetRecordsAsync(route, path, arguments).ConfigureAwait(false);
            case "record":
                return await this.McpGetRecordAsync(route, path, arguments).ConfigureAwait(false);
            case "add":
            case "update":
            case "delete":
                return await this.McpWriteRecordsAsync((string)route["handler"], path, arguments).ConfigureAwait(false);
            case "upload":
                return await this.McpUploadAsync(path, arguments).ConfigureAwait(false);
            case "download":
                return await this.McpDownloadAsync(route, path, arguments).ConfigureAwait(false);
            default:
                return await this.McpPlainAsync(route, path, arguments).ConfigureAwait(false);
        }
    }

    // ---- Arguments ----------------------------------------------------------------------

    // The first problem with the arguments, or null. Enums, ranges and sizes are checked here
    // because agent hosts do not enforce them (Copilot Studio reads an enum as a string).
    internal static string McpCheckArguments(JObject route, JObject arguments)
    {
        JArray declared = (JArray)route["arguments"];
        foreach (JProperty given in arguments.Properties())
        {
            if (!declared.Any(a => (string)a["name"] == given.Name))
            {
                return "Unknown argument '" + given.Name + "'; this tool takes " + string.Join(", ", declared.Select(a => (string)a["name"])) + ".";
            }
        }
        foreach (JToken argument in declared)
        {
            string name = (string)argument["name"];
            JToken value = arguments[name];
            if (value == null || value.Type == JTokenType.Null)
            {
                if ((bool)argument["required"])
                {
                    return "Missing required argument '" + name + "'.";
                }
                continue;
            }
            string problem = McpCheckValue(name, (string)argument["type"], (string)argument["items"], value)
                ?? McpCheckLimits(name, argument, value);
            if (problem != null)
            {
                return problem;
            }
        }
        return null;
    }

    private static string McpCheckValue(string name, string type, string items, JToken value)
    {
        if (!McpIsType(type, value))
        {
            return "Argument '" + name + "' must be " + (type == "integer" || type == "array" || type == "object" ? "an " : "a ") + type + ".";
        }
        if (type == "array" && items.Length > 0)
        {
            foreach (JToken item in (JArray)value)
            {
                if (!McpIsType(items, item))
                {
                    return "Each item of '" + name + "' must be of type " + items + ".";
                }
            }
        }
        return null;
    }

    private static bool McpIsType(string type, JToken value)
    {
        switch (type)
        {
            case "string":
                return value.Type == JTokenType.String;
            case "integer":
                // kintone sends IDs as digit strings, so agents pass them back that way too.
                return value.Type == JTokenType.Integer || (value.Type == JTokenType.Float && Math.Floor((double)value) == (double)value) || McpDigits(value);
            case "number":
                return value.Type == JTokenType.Integer || value.Type == JTokenType.Float;
            case "boolean":
                return value.Type == JTokenType.Boolean;
            case "array":
                return value.Type == JTokenType.Array;
            default:
                return value.Type == JTokenType.Object;
        }
    }

    private static bool McpDigits(JToken value)
    {
        string text = StringOf(value);
        string digits = text != null && text.StartsWith("-", StringComparison.Ordinal) ? text.Substring(1) : text;
        return digits != null && digits.Length > 0 && digits.Length <= 18 && digits.All(c => c >= '0' && c <= '9');
    }

    private static string McpCheckLimits(string name, JToken argument, JToken value)
    {
        JArray allowed = (JArray)argument["enum"];
        if (allowed.Count > 0 && !allowed.Any(a => (string)a == StringOf(value)))
        {
            return "Argument '" + name + "' must be one of " + string.Join(", ", allowed.Select(a => (string)a)) + ".";
        }
        if (value.Type == JTokenType.Integer || value.Type == JTokenType.Float || ((string)argument["type"] == "integer" && McpDigits(value)))
        {
            double number = value.Type == JTokenType.String ? (double)long.Parse((string)value) : (double)value;
            if (argument["minimum"].Type != JTokenType.Null && number < (double)argument["minimum"])
            {
                return "Argument '" + name + "' must be at least " + argument["minimum"] + ".";
            }
            if (argument["maximum"].Type != JTokenType.Null && number > (double)argument["maximum"])
            {
                return "Argument '" + name + "' must be at most " + argument["maximum"] + ".";
            }
        }
        if (value.Type == JTokenType.Array && argument["maxItems"].Type != JTokenType.Null && ((JArray)value).Count > (int)argument["maxItems"])
        {
            return "Argument '" + name + "' holds " + ((JArray)value).Count + " items; at most " + argument["maxItems"] + " are allowed.";
        }
        return null;
    }

    private static bool McpSent(JToken argument, string how)
    {
        return (string)argument["send"] == how;
    }

    // kintone's path: under /k/v1/preview/ when preview is true, inside the guest space when
    // one is given (null when the guest space ID is not digits).
    private static string McpPath(string path, JObject arguments)
    {
        JToken preview = arguments["preview"];
        if (preview != null && preview.Type == JTokenType.Boolean && (bool)preview && !path.StartsWith("/k/v1/preview/", StringComparison.Ordinal))
        {
            path = "/k/v1/preview/" + path.Substring("/k/v1/".Length);
        }
        string guest = StringOf(arguments[GuestSpaceParameter]);
        if (guest == null)
        {
            return path;
        }
        if (guest.Length == 0 || guest.Length > 18 || !guest.All(c => c >= '0' && c <= '9'))
        {
            return null;
        }
        return "/k/guest/" + guest + path.Substring(2);
    }

    // kintone's query string: scalars as they are, arrays as name[0]=…&name[1]=….
    private static string McpQuery(JObject route, JObject arguments)
    {
        List<string> pairs = new List<string>();
        foreach (JToken argument in (JArray)route["arguments"])
        {
            string name = (string)argument["name"];
            JToken value = arguments[name];
            if (!McpSent(argument, "query") || value == null || value.Type == JTokenType.Null)
            {
                continue;
            }
            JArray list = value as JArray;
            if (list == null)
            {
                pairs.Add(name + "=" + PercentEncode(McpScalarText(value)));
                continue;
            }
            for (int index = 0; index < list.Count; index++)
            {
                pairs.Add(name + "%5B" + index + "%5D=" + PercentEncode(McpScalarText(list[index])));
            }
        }
        return string.Join("&", pairs);
    }

    private static string McpScalarText(JToken value)
    {
        if (value.Type == JTokenType.String)
        {
            return (string)value;
        }
        if (value.Type == JTokenType.Float && Math.Floor((double)value) == (double)value)
        {
            return ((long)(double)value).ToString();
        }
        return value.ToString(Formatting.None);
    }

    // The JSON body: each body argument at the top or under its nest object.
    private static JObject McpBody(JObject route, JObject arguments)
    {
        JObject body = new JObject();
        foreach (JToken argument in (JArray)route["arguments"])
        {
            string name = (string)argument["name"];
            JToken value = arguments[name];
            if (!McpSent(argument, "body") || value == null || value.Type == JTokenType.Null)
            {
                continue;
            }
            string nest = (string)argument["nest"];
            JObject into = body;
            if (nest.EndsWith("[]", StringComparison.Ordinal))
            {
                // "query[]": the one object of an array (search's [{"operator", "keywords"}]).
                string key = nest.Substring(0, nest.Length - 2);
                JArray list = body[key] as JArray;
                if (list == null)
                {
                    list = new JArray { new JObject() };
                    body[key] = list;
                }
                into = (JObject)list[0];
            }
            else if (nest.Length > 0)
            {
                into = body[nest] as JObject;
                if (into == null)
                {
                    // Assigned once: re-assigning a token that has a parent stores a copy.
                    into = new JObject();
                    body[nest] = into;
                }
            }
            into[name] = value.DeepClone();
        }
        return body;
    }

    // ---- kintone calls ------------------------------------------------------------------

    // A fresh message to kintone carrying the incoming request's (normalized) auth headers.
    private async Task<HttpResponseMessage> McpSendAsync(HttpMethod method, string path, string query, HttpContent content)
    {
        string url = KintoneUrl(this.requestUrl, "/", "");
        url = url.Substring(0, AuthorityEnd(url)) + path + (query.Length > 0 ? "?" + query : "");
        HttpRequestMessage request = new HttpRequestMessage(method, new Uri(url));
        foreach (KeyValuePair<string, IEnumerable<string>> header in this.Context.Request.Headers)
        {
            if (!header.Key.StartsWith("Mcp-", StringComparison.OrdinalIgnoreCase) && !string.Equals(header.Key, "Accept", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
        request.Content = content;
        return await this.Context.SendAsync(request, this.CancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> McpSendJsonAsync(string method, string path, JObject route, JObject arguments)
    {
        bool withBody = method == "POST" || method == "PUT";
        string query = withBody ? "" : McpQuery(route, arguments);
        HttpContent content = withBody ? CreateJsonContent(McpBody(route, arguments).ToString(Formatting.None)) : null;
        return await this.McpSendAsync(new HttpMethod(method), path, query, content).ConfigureAwait(false);
    }

    // kintone's answer as a JSON object, or null after setting error to the tool error.
    private static async Task<JObject> McpReadAsync(HttpResponseMessage upstream, JObject[] error)
    {
        byte[] bytes = await ReadBytesAsync(upstream.Content).ConfigureAwait(false);
        JObject body = ParseJsonObject(bytes);
        if (!upstream.IsSuccessStatusCode)
        {
            error[0] = McpKintoneError((int)upstream.StatusCode, body, bytes);
            return null;
        }
        if (body == null)
        {
            error[0] = McpToolError("CONNECTOR_MCP02", "kintone answered with something that is not a JSON object.");
        }
        return body;
    }

    private async Task<JObject> McpPlainAsync(JObject route, string path, JObject arguments)
    {
        HttpResponseMessage upstream = await this.McpSendJsonAsync((string)route["method"], path, route, arguments).ConfigureAwait(false);
        JObject[] error = new JObject[1];
        JObject body = await McpReadAsync(upstream, error).ConfigureAwait(false);
        if (body == null)
        {
            return error[0];
        }
        string select = (string)route["select"];
        JArray fields = arguments["fields"] as JArray;
        if (select.Length > 0 && fields != null && body[select] is JObject)
        {
            body[select] = McpSelect((JObject)body[select], fields);
        }
        return McpToolText(body);
    }

    // ---- Records ------------------------------------------------------------------------

    private async Task<JObject> McpGetRecordsAsync(JObject route, string path, JObject arguments)
    {
        int limit = arguments["limit"] != null && arguments["limit"].Type != JTokenType.Null ? (int)long.Parse(McpScalarText(arguments["limit"])) : 100;
        int offset = 0;
        string token = StringOf(arguments["pageToken"]);
        if (token != null)
        {
            long? parsed = DigitsValue(token);
            if (parsed == null || parsed.Value > McpOffsetMax)
            {
                return McpToolError("CONNECTOR_MCP01", "pageToken must be a token a previous call returned.");
            }
            offset = (int)parsed.Value;
        }
        if (offset + limit > McpOffsetMax)
        {
            return McpToolError("CONNECTOR_MCP03", "kintone reads at most 10,000 records by page; use kintone-create-cursor and kintone-get-cursor-records to read more.");
        }
        string condition = StringOf(arguments["query"]) ?? "";
        string query = McpQuery(route, arguments) + "&query=" + PercentEncode((condition + " limit " + limit + " offset " + offset).Trim());
        HttpResponseMessage upstream = await this.McpSendAsync(HttpMethod.Get, path, query.TrimStart('&'), null).ConfigureAwait(false);
        JObject[] error = new JObject[1];
        JObject body = await McpReadAsync(upstream, error).ConfigureAwait(false);
        if (body == null)
        {
            return error[0];
        }
        JArray records = new JArray();
        foreach (JToken record in body["records"] as JArray ?? new JArray())
        {
            records.Add(McpCompactRecord(record as JObject ?? new JObject()));
        }
        JObject result = new JObject { { "records", records } };
        if (records.Count == limit && offset + limit < McpOffsetMax)
        {
            result["nextPageToken"] = (offset + limit).ToString();
        }
        return McpToolText(result);
    }

    private async Task<JObject> McpGetRecordAsync(JObject route, string path, JObject arguments)
    {
        HttpResponseMessage upstream = await this.McpSendAsync(HttpMethod.Get, path, McpQuery(route, arguments), null).ConfigureAwait(false);
        JObject[] error = new JObject[1];
        JObject body = await McpReadAsync(upstream, error).ConfigureAwait(false);
        if (body == null)
        {
            return error[0];
        }
        JObject record = McpCompactRecord(body["record"] as JObject ?? new JObject());
        JArray fields = arguments["fields"] as JArray;
        return McpToolText(new JObject { { "record", fields == null ? record : McpSelect(record, fields) } });
    }

    // Add, update or delete records: up to 100 in one records.json call, up to 2,000 in one
    // bulkRequest of records.json calls (all or nothing), as the Bulk part does for flows.
    private async Task<JObject> McpWriteRecordsAsync(string kind, string path, JObject arguments)
    {
        string name = kind == "delete" ? "ids" : "records";
        JArray items = (JArray)arguments[name];
        JObject body = new JObject { { "app", arguments["app"].DeepClone() } };
        if (kind == "delete")
        {
            body["ids"] = items.DeepClone();
            if (arguments["revisions"] is JArray)
            {
                body["revisions"] = arguments["revisions"].DeepClone();
            }
        }
        else
        {
            body["records"] = new JArray(items.Select(item => kind == "add" ? McpWrapRecord(item as JObject) : McpWrapUpdate(item as JObject)));
            if (kind == "update" && arguments["upsert"] != null)
            {
                body["upsert"] = arguments["upsert"].DeepClone();
            }
        }
        string method = kind == "add" ? "POST" : kind == "update" ? "PUT" : "DELETE";
        if (items.Count <= BulkChunk)
        {
            HttpResponseMessage single = kind == "delete"
                ? await this.McpSendAsync(HttpMethod.Delete, path, McpDeleteQuery(body), null).ConfigureAwait(false)
                : await this.McpSendAsync(new HttpMethod(method), path, "", CreateJsonContent(body.ToString(Formatting.None))).ConfigureAwait(false);
            JObject[] error = new JObject[1];
            JObject answer = await McpReadAsync(single, error).ConfigureAwait(false);
            return answer == null ? error[0] : McpToolText(kind == "delete" ? new JObject { { "deleted", items.Count } } : answer);
        }
        JArray requests = new JArray();
        for (int start = 0; start < items.Count; start += BulkChunk)
        {
            requests.Add(new JObject { { "method", method }, { "api", path }, { "payload", BulkPayload(kind, body, start) } });
        }
        string bulkPath = path.Substring(0, path.LastIndexOf('/') + 1) + "bulkRequest.json";
        HttpResponseMessage upstream = await this.McpSendAsync(HttpMethod.Post, bulkPath, "", CreateJsonContent(new JObject { { "requests", requests } }.ToString(Formatting.None))).ConfigureAwait(false);
        byte[] bytes = await ReadBytesAsync(upstream.Content).ConfigureAwait(false);
        JObject parsed = ParseJsonObject(bytes);
        if (!upstream.IsSuccessStatusCode)
        {
            return McpKintoneError((int)upstream.StatusCode, BulkError(parsed) ?? parsed, bytes);
        }
        JArray results = parsed == null ? null : parsed["results"] as JArray;
        if (results == null || results.Count != requests.Count)
        {
            return McpToolError("CONNECTOR_BK03", "kintone returned a bulkRequest response without results.");
        }
        JObject merged = BulkMerged(kind, results);
        return McpToolText(kind == "delete" ? new JObject { { "deleted", items.Count } } : merged);
    }

    private static string McpDeleteQuery(JObject body)
    {
        List<string> pairs = new List<string> { "app=" + PercentEncode(McpScalarText(body["app"])) };
        foreach (string name in new[] { "ids", "revisions" })
        {
            JArray list = body[name] as JArray;
            for (int index = 0; list != null && index < list.Count; index++)
            {
                pairs.Add(name + "%5B" + index + "%5D=" + PercentEncode(McpScalarText(list[index])));
            }
        }
        return string.Join("&", pairs);
    }

    // A record to write: a field given as a plain value becomes {"value": …}; {"value": …} stays.
    private static JObject McpWrapRecord(JObject record)
    {
        JObject wrapped = new JObject();
        foreach (JProperty field in (record ?? new JObject()).Properties())
        {
            JObject given = field.Value as JObject;
            wrapped[field.Name] = given != null && given.Property("value") != null ? given.DeepClone() : new JObject { { "value", field.Value.DeepClone() } };
        }
        return wrapped;
    }

    private static JObject McpWrapUpdate(JObject item)
    {
        JObject update = (JObject)(item ?? new JObject()).DeepClone();
        if (update["record"] is JObject)
        {
            update["record"] = McpWrapRecord((JObject)update["record"]);
        }
        return update;
    }

    // A record as the agent reads it: each field's value only; table rows keep their id.
    internal static JObject McpCompactRecord(JObject record)
    {
        JObject compact = new JObject();
        foreach (JProperty field in record.Properties())
        {
            JObject cell = field.Value as JObject;
            JToken value = cell == null ? field.Value : cell["value"];
            if (cell != null && StringOf(cell["type"]) == "SUBTABLE" && value is JArray)
            {
                JArray rows = new JArray();
                foreach (JToken row in (JArray)value)
                {
                    rows.Add(new JObject { { "id", row["id"] }, { "value", McpCompactRecord(row["value"] as JObject ?? new JObject()) } });
                }
                value = rows;
            }
            compact[field.Name] = value == null ? JValue.CreateNull() : value.DeepClone();
        }
        return compact;
    }

    private static JObject McpSelect(JObject members, JArray names)
    {
        JObject selected = new JObject();
        foreach (JToken name in names)
        {
            string key = StringOf(name);
            if (key != null && members[key] != null)
            {
                selected[key] = members[key].DeepClone();
            }
        }
        return selected;
    }

    // ---- Files --------------------------------------------------------------------------

    private async Task<JObject> McpUploadAsync(string path, JObject arguments)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String((string)arguments["contentBase64"]);
        }
        catch (FormatException)
        {
            return McpToolError("CONNECTOR_MCP01", "contentBase64 is not base64.");
        }
        ByteArrayContent file = new ByteArrayContent(bytes);
        file.Headers.TryAddWithoutValidation("Content-Type", StringOf(arguments["contentType"]) ?? "application/octet-stream");
        MultipartFormDataContent form = new MultipartFormDataContent();
        form.Add(file, "file", (string)arguments["fileName"]);
        HttpResponseMessage upstream = await this.McpSendAsync(HttpMethod.Post, path, "", form).ConfigureAwait(false);
        JObject[] error = new JObject[1];
        JObject body = await McpReadAsync(upstream, error).ConfigureAwait(false);
        return body == null ? error[0] : McpToolText(body);
    }

    private async Task<JObject> McpDownloadAsync(JObject route, string path, JObject arguments)
    {
        HttpResponseMessage upstream = await this.McpSendAsync(HttpMethod.Get, path, McpQuery(route, arguments), null).ConfigureAwait(false);
        byte[] bytes = await ReadBytesAsync(upstream.Content).ConfigureAwait(false);
        if (!upstream.IsSuccessStatusCode)
        {
            return McpKintoneError((int)upstream.StatusCode, ParseJsonObject(bytes), bytes);
        }
        if (bytes.Length > McpMaxFile)
        {
            return McpToolError("CONNECTOR_MCP04", "The file has " + bytes.Length + " bytes; this tool returns files of up to " + McpMaxFile + " bytes.");
        }
        string type = upstream.Content.Headers.ContentType == null ? "application/octet-stream" : upstream.Content.Headers.ContentType.MediaType;
        return McpToolText(new JObject { { "contentType", type }, { "size", bytes.Length }, { "contentBase64", Convert.ToBase64String(bytes) } });
    }

    // ---- Results ------------------------------------------------------------------------

    internal static JObject McpToolText(JToken value)
    {
        string text = value.ToString(Formatting.None);
        if (text.Length > McpMaxText)
        {
            return McpToolError("CONNECTOR_MCP05", "The answer has " + text.Length + " characters, more than the " + McpMaxText + " a tool returns; ask for fewer fields or records.");
        }
        return new JObject
        {
            { "content", new JArray { new JObject { { "type", "text" }, { "text", text } } } },
            { "isError", false },
        };
    }

    internal static JObject McpToolError(string code, string message)
    {
        JObject error = new JObject { { "code", code }, { "message", message } };
        return new JObject
        {
            { "content", new JArray { new JObject { { "type", "text" }, { "text", error.ToString(Formatting.None) } } } },
            { "isError", true },
        };
    }

    // kintone's error (status, code, message, id, field errors) as a tool error.
    internal static JObject McpKintoneError(int status, JObject body, byte[] bytes)
    {
        JObject error = new JObject { { "status", status } };
        if (body != null && StringOf(body["code"]) != null)
        {
            foreach (string key in new[] { "code", "message", "id", "errors" })
            {
                if (body[key] != null)
                {
                    error[key] = body[key].DeepClone();
                }
            }
        }
        else
        {
            string text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 300));
            error["code"] = "HTTP_" + status;
            error["message"] = text;
        }
        return new JObject
        {
            { "content", new JArray { new JObject { { "type", "text" }, { "text", error.ToString(Formatting.None) } } } },
            { "isError", true },
        };
    }
}
