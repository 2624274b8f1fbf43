// Custom code of the kintone connector. Generated from templates/script.csx.j2; do not edit.
// generator/customcode.py is the Python reference of every algorithm below: keep them in step.
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

public class Script : ScriptBase
{
    private const string FieldsPath = "/k/v1/app/form/fields.json";
    private const string RemoveWebhookPath = "/k/integration/v1/preview/app/webhook.json";
    private const int MaxSmallInt = 999999999;

    // Strict decoding: a body that is not valid UTF-8 counts as "not JSON", as in Python.
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, true);

    public override async Task<HttpResponseMessage> ExecuteAsync()
    {
        switch (this.Context.OperationId)
        {
            case "GetRecordSchema":
                return await this.GetRecordSchemaAsync().ConfigureAwait(false);
            case "AddWebhookForAddingRecord":
                return await this.SubscribeAsync().ConfigureAwait(false);
            case "AddWebhookForUpdatingRecord":
                return await this.SubscribeAsync().ConfigureAwait(false);
            case "AddWebhookForDeletingRecord":
                return await this.SubscribeAsync().ConfigureAwait(false);
            case "AddWebhookForAddingRecordComment":
                return await this.SubscribeAsync().ConfigureAwait(false);
            case "AddWebhookForUpdatingStatus":
                return await this.SubscribeAsync().ConfigureAwait(false);
            case "GetRecords":
                return await this.ForwardIndexedAsync(new string[] { "fields", }).ConfigureAwait(false);
            case "DeleteRecords":
                return await this.ForwardIndexedAsync(new string[] { "ids", "revisions", }).ConfigureAwait(false);
            case "GetPreviewAppDeploy":
                return await this.ForwardIndexedAsync(new string[] { "apps", }).ConfigureAwait(false);
            default:
                return await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
        }
    }

    // ---- Operations ---------------------------------------------------------------------

    private async Task<HttpResponseMessage> GetRecordSchemaAsync()
    {
        HttpRequestMessage request = this.Context.Request;
        string requestUrl = request.RequestUri.AbsoluteUri;
        // The incoming request is reused so its authentication headers go along unchanged.
        request.Method = HttpMethod.Get;
        request.RequestUri = new Uri(RecordSchemaUpstreamUrl(requestUrl, FieldsPath));
        HttpResponseMessage upstream = await this.Context.SendAsync(request, this.CancellationToken).ConfigureAwait(false);
        if (!upstream.IsSuccessStatusCode)
        {
            return upstream;
        }
        JObject fields = ParseJsonObject(await ReadBytesAsync(upstream.Content).ConfigureAwait(false));
        if (fields == null || !(fields["properties"] is JObject))
        {
            return JsonResponse(HttpStatusCode.BadGateway, FieldsUnreadable());
        }
        return JsonResponse(HttpStatusCode.OK, RecordSchema(fields, SchemaMode(requestUrl)));
    }

    private async Task<HttpResponseMessage> SubscribeAsync()
    {
        HttpRequestMessage request = this.Context.Request;
        string requestUrl = request.RequestUri.AbsoluteUri;
        // Reading buffers the content, so the same request can still be forwarded as it is.
        JObject requestBody = ParseJsonObject(await ReadBytesAsync(request.Content).ConfigureAwait(false)) ?? new JObject();
        HttpResponseMessage upstream = await this.Context.SendAsync(request, this.CancellationToken).ConfigureAwait(false);
        if (!upstream.IsSuccessStatusCode)
        {
            return upstream;
        }
        JObject upstreamBody = ParseJsonObject(await ReadBytesAsync(upstream.Content).ConfigureAwait(false)) ?? new JObject();
        string location = SubscribeLocation(requestUrl, requestBody, upstreamBody, RemoveWebhookPath);
        if (location == null)
        {
            return JsonResponse(HttpStatusCode.BadGateway, WebhookIdMissing());
        }
        // The platform sends DELETE to Location when the flow's trigger goes away.
        upstream.StatusCode = HttpStatusCode.Created;
        upstream.Headers.Location = new Uri(location);
        return upstream;
    }

    private async Task<HttpResponseMessage> ForwardIndexedAsync(string[] parameters)
    {
        HttpRequestMessage request = this.Context.Request;
        request.RequestUri = new Uri(IndexedQuery(request.RequestUri.AbsoluteUri, parameters));
        return await this.Context.SendAsync(request, this.CancellationToken).ConfigureAwait(false);
    }

    // ---- JSON helpers -------------------------------------------------------------------

    private static async Task<byte[]> ReadBytesAsync(HttpContent content)
    {
        if (content == null)
        {
            return new byte[0];
        }
        return await content.ReadAsByteArrayAsync().ConfigureAwait(false);
    }

    // Bodies built here are compact JSON, keys in insertion order, non-ASCII unescaped
    // (JToken.ToString(Formatting.None)); customcode.dump_json writes the same bytes.
    private static HttpResponseMessage JsonResponse(HttpStatusCode status, JToken body)
    {
        HttpResponseMessage response = new HttpResponseMessage(status);
        response.Content = CreateJsonContent(body.ToString(Formatting.None));
        return response;
    }

    private static JObject KintoneError(string code, string message)
    {
        return new JObject { { "code", code }, { "id", "" }, { "message", message } };
    }

    internal static JObject WebhookIdMissing()
    {
        return KintoneError("CONNECTOR_WH01", "kintone did not return a webhook id; the subscription cannot be removed later.");
    }

    internal static JObject FieldsUnreadable()
    {
        return KintoneError("CONNECTOR_RS01", "kintone returned a form fields response without a properties object.");
    }

    // The JSON object in body (UTF-8, optional BOM), or null if body is anything else.
    internal static JObject ParseJsonObject(byte[] body)
    {
        int start = body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF ? 3 : 0;
        try
        {
            string text = StrictUtf8.GetString(body, start, body.Length - start);
            using (JsonTextReader reader = new JsonTextReader(new StringReader(text)))
            {
                // Date-like strings must stay strings, or labels would come back reformatted.
                reader.DateParseHandling = DateParseHandling.None;
                JToken token = JToken.ReadFrom(reader);
                return reader.Read() ? null : token as JObject;
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

    private static JObject AsObject(JToken value)
    {
        return value as JObject ?? new JObject();
    }

    private static string StringOf(JToken value)
    {
        return value != null && value.Type == JTokenType.String ? (string)value : null;
    }

    // A non-negative integer given as JSON integer or digit string (kintone sends strings).
    internal static int? SmallInt(JToken value)
    {
        if (value != null && value.Type == JTokenType.Integer)
        {
            object raw = ((JValue)value).Value;
            return raw is long && (long)raw >= 0 && (long)raw <= MaxSmallInt ? (int?)(long)raw : null;
        }
        string text = StringOf(value);
        if (text == null || text.Length == 0 || text.Length > 9 || !text.All(c => c >= '0' && c <= '9'))
        {
            return null;
        }
        int result = 0;
        foreach (char c in text)
        {
            result = result * 10 + (c - '0');
        }
        return result;
    }

    // A webhook id or app id as text: a string or an integer; otherwise "".
    internal static string IdText(JToken value)
    {
        if (value == null)
        {
            return "";
        }
        if (value.Type == JTokenType.String)
        {
            return (string)value;
        }
        // An integer's JSON text is its invariant decimal form (no culture involved).
        return value.Type == JTokenType.Integer ? value.ToString(Formatting.None) : "";
    }

    // ---- URL helpers (plain string work on the incoming absolute URL) --------------------

    private static string[] SplitFragment(string url)
    {
        int hash = url.IndexOf('#');
        return hash < 0 ? new[] { url, "" } : new[] { url.Substring(0, hash), url.Substring(hash) };
    }

    private static string[] SplitQuery(string url)
    {
        int mark = url.IndexOf('?');
        return mark < 0 ? new[] { url, "" } : new[] { url.Substring(0, mark), url.Substring(mark + 1) };
    }

    private static int AuthorityEnd(string url)
    {
        int start = url.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            return 0;
        }
        int end = start + 3;
        while (end < url.Length && "/?#".IndexOf(url[end]) < 0)
        {
            end++;
        }
        return end;
    }

    private static string Authority(string url)
    {
        int start = url.IndexOf("://", StringComparison.Ordinal);
        string authority = start >= 0 ? url.Substring(start + 3, AuthorityEnd(url) - start - 3) : "";
        return authority.Substring(authority.LastIndexOf('@') + 1);
    }

    // Raw (still percent-encoded) value of the first name=value pair, or null.
    private static string QueryValue(string query, string name)
    {
        foreach (string pair in query.Split('&'))
        {
            int equals = pair.IndexOf('=');
            string key = equals < 0 ? pair : pair.Substring(0, equals);
            if (key == name)
            {
                return equals < 0 ? "" : pair.Substring(equals + 1);
            }
        }
        return null;
    }

    // RFC 3986 encoding of a query value: only A-Z a-z 0-9 - . _ ~ stay as they are.
    internal static string PercentEncode(string value)
    {
        StringBuilder result = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
            result.Append(unreserved ? c.ToString() : "%" + b.ToString("X2"));
        }
        return result.ToString();
    }

    private static string GuestPrefix(string path)
    {
        const string head = "/k/guest/";
        if (!path.StartsWith(head, StringComparison.Ordinal))
        {
            return "";
        }
        int slash = path.IndexOf('/', head.Length);
        return slash > head.Length ? path.Substring(0, slash) : "";
    }

    internal static string RecordSchemaUpstreamUrl(string requestUrl, string fieldsPath)
    {
        string[] parts = SplitQuery(SplitFragment(requestUrl)[0]);
        int end = AuthorityEnd(parts[0]);
        string prefix = GuestPrefix(parts[0].Substring(end));
        string path = prefix.Length > 0 && fieldsPath.StartsWith("/k/", StringComparison.Ordinal)
            ? prefix + fieldsPath.Substring(2)
            : fieldsPath;
        string app = QueryValue(parts[1], "app") ?? "";
        return parts[0].Substring(0, end) + path + "?app=" + app;
    }

    internal static string SchemaMode(string requestUrl)
    {
        string query = SplitQuery(SplitFragment(requestUrl)[0])[1];
        return QueryValue(query, "mode") == "update" ? "update" : "add";
    }

    private static IEnumerable<string> IndexedPairs(string pair, string[] parameters, Dictionary<string, int> counters)
    {
        int equals = pair.IndexOf('=');
        string name = equals < 0 ? pair : pair.Substring(0, equals);
        if (!parameters.Contains(name))
        {
            return new[] { pair };
        }
        string value = equals < 0 ? "" : pair.Substring(equals + 1);
        // Items are split on raw or encoded commas; each item keeps its own encoding.
        string[] items = value.Length > 0 ? value.Replace("%2C", ",").Replace("%2c", ",").Split(',') : new string[0];
        List<string> pairs = new List<string>();
        foreach (string item in items)
        {
            int index = counters.ContainsKey(name) ? counters[name] : 0;
            counters[name] = index + 1;
            pairs.Add(name + "%5B" + index + "%5D=" + item);
        }
        return pairs;
    }

    // apps=1,2 becomes apps%5B0%5D=1&apps%5B1%5D=2 (kintone's apps[0]=1&apps[1]=2).
    internal static string IndexedQuery(string url, string[] parameters)
    {
        string[] withoutFragment = SplitFragment(url);
        string[] parts = SplitQuery(withoutFragment[0]);
        Dictionary<string, int> counters = new Dictionary<string, int>();
        List<string> pairs = new List<string>();
        foreach (string pair in parts[1].Length > 0 ? parts[1].Split('&') : new string[0])
        {
            pairs.AddRange(IndexedPairs(pair, parameters, counters));
        }
        string query = string.Join("&", pairs);
        return parts[0] + (query.Length > 0 ? "?" + query : "") + withoutFragment[1];
    }

    // ---- Webhook subscription -----------------------------------------------------------

    // The URL the platform will DELETE later, or null when kintone gave no webhook id.
    internal static string SubscribeLocation(string requestUrl, JObject requestBody, JObject upstreamBody, string removeWebhookPath)
    {
        string webhookId = IdText(upstreamBody["id"]);
        if (webhookId.Length == 0)
        {
            return null;
        }
        string app = PercentEncode(IdText(requestBody["app"]));
        return "https://" + Authority(requestUrl) + removeWebhookPath + "?app=" + app + "&id=" + PercentEncode(webhookId);
    }

    // ---- Record schema ------------------------------------------------------------------

    // Writable field types: the noun used in descriptions. Everything else (system fields,
    // CALC, STATUS, GROUP, REFERENCE_TABLE, future types) is left out of the record schema.
    private static readonly Dictionary<string, string> Nouns = new Dictionary<string, string>
    {
        { "SINGLE_LINE_TEXT", "Text field" },
        { "MULTI_LINE_TEXT", "Text area field" },
        { "RICH_TEXT", "Rich text field" },
        { "LINK", "Link field" },
        { "NUMBER", "Number field" },
        { "DATE", "Date field" },
        { "TIME", "Time field" },
        { "DATETIME", "Date and time field" },
        { "DROP_DOWN", "Drop-down field" },
        { "RADIO_BUTTON", "Radio button field" },
        { "CHECK_BOX", "Check box field" },
        { "MULTI_SELECT", "Multi-choice field" },
        { "USER_SELECT", "User selection field" },
        { "ORGANIZATION_SELECT", "Department selection field" },
        { "GROUP_SELECT", "Group selection field" },
        { "FILE", "Attachment field" },
        { "SUBTABLE", "Table" },
    };

    // Types whose value is one scalar: JSON type, JSON Schema format ("" for none), description.
    private static readonly Dictionary<string, string[]> Scalars = new Dictionary<string, string[]>
    {
        { "SINGLE_LINE_TEXT", new[] { "string", "", "One line of text." } },
        { "MULTI_LINE_TEXT", new[] { "string", "", "Text; it may span several lines." } },
        { "RICH_TEXT", new[] { "string", "", "Formatted text as HTML." } },
        { "NUMBER", new[] { "number", "", "A number, e.g. 42 or 3.5." } },
        { "DATE", new[] { "string", "date", "A date as YYYY-MM-DD." } },
        { "TIME", new[] { "string", "", "A time of day as HH:MM (24-hour clock)." } },
        { "DATETIME", new[] { "string", "date-time", "A date and time in ISO 8601, e.g. 2024-05-01T09:30:00Z." } },
    };

    // LINK protocol: JSON Schema format and description.
    private static readonly Dictionary<string, string[]> Links = new Dictionary<string, string[]>
    {
        { "WEB", new[] { "", "A web address (URL)." } },
        { "CALL", new[] { "", "A phone number." } },
        { "MAIL", new[] { "email", "An e-mail address." } },
    };
    private static readonly string[] LinkOther = new[] { "", "A link." };

    private static readonly Dictionary<string, string> Choices = new Dictionary<string, string>
    {
        { "DROP_DOWN", "One of the field's options." },
        { "RADIO_BUTTON", "One of the field's options." },
    };

    private static readonly Dictionary<string, string> MultiChoices = new Dictionary<string, string>
    {
        { "CHECK_BOX", "Any of the field's options." },
        { "MULTI_SELECT", "Any of the field's options." },
    };

    // Entity pickers: description of the list, description of each entry's code.
    private static readonly Dictionary<string, string[]> Entities = new Dictionary<string, string[]>
    {
        { "USER_SELECT", new[] { "Users, each given by login name (code).", "Login name of the user." } },
        { "ORGANIZATION_SELECT", new[] { "Departments, each given by department code.", "Department code." } },
        { "GROUP_SELECT", new[] { "Groups, each given by group code.", "Group code." } },
    };

    private const string FileText = "Files, each given by a fileKey. Upload a file first to get a fileKey.";
    private const string FileKeyText = "The fileKey returned by the file upload.";
    private const string RowsText = "Rows of the table. On update, rows left out are removed; give a row's id to keep or change it.";
    private const string RowIdText = "ID of an existing row to change; leave it out to add a new row.";
    private const string RowValueText = "Field values of the row.";

    private static string Label(string code, JObject prop)
    {
        string label = StringOf(prop["label"]);
        return string.IsNullOrEmpty(label) ? code : label;
    }

    private static JObject Described(string jsonType, string summary, string description)
    {
        return new JObject { { "type", jsonType }, { "x-ms-summary", summary }, { "description", description } };
    }

    // Codes filled in by lookups (read-only for writes), also inside subtables.
    internal static void CollectCopyTargets(JObject properties, HashSet<string> targets)
    {
        foreach (JProperty property in properties.Properties())
        {
            JObject prop = AsObject(property.Value);
            JArray mappings = AsObject(prop["lookup"])["fieldMappings"] as JArray;
            foreach (JToken mapping in mappings ?? new JArray())
            {
                string target = StringOf(AsObject(mapping)["field"]);
                if (target != null)
                {
                    targets.Add(target);
                }
            }
            if (StringOf(prop["type"]) == "SUBTABLE")
            {
                CollectCopyTargets(AsObject(prop["fields"]), targets);
            }
        }
    }

    // Option keys ordered by numeric index; options without a usable index go last.
    private static JArray OptionKeys(JObject prop)
    {
        JArray keys = new JArray();
        // OrderBy is a stable sort, like Python's sorted().
        foreach (JProperty option in AsObject(prop["options"]).Properties().OrderBy(o => OptionOrder(o.Value)))
        {
            keys.Add(option.Name);
        }
        return keys;
    }

    private static int OptionOrder(JToken option)
    {
        int? index = SmallInt(AsObject(option)["index"]);
        return index.HasValue ? index.Value : MaxSmallInt + 1;
    }

    private static void AddLengths(JObject schema, JObject prop)
    {
        foreach (string key in new[] { "minLength", "maxLength" })
        {
            int? length = SmallInt(prop[key]);
            if (length.HasValue)
            {
                schema[key] = length.Value;
            }
        }
    }

    private static JObject ScalarValue(string type, string label, JObject prop)
    {
        string[] scalar = Scalars[type];
        JObject schema = Described(scalar[0], label, scalar[2]);
        if (scalar[1].Length > 0)
        {
            schema["format"] = scalar[1];
        }
        if (type == "SINGLE_LINE_TEXT")
        {
            AddLengths(schema, prop);
        }
        return schema;
    }

    private static JObject LinkValue(string label, JObject prop)
    {
        string protocol = StringOf(prop["protocol"]);
        string[] link = protocol != null && Links.ContainsKey(protocol) ? Links[protocol] : LinkOther;
        JObject schema = Described("string", label, link[1]);
        if (link[0].Length > 0)
        {
            schema["format"] = link[0];
        }
        AddLengths(schema, prop);
        return schema;
    }

    private static JObject ChoiceValue(string label, JObject prop, string text)
    {
        JObject schema = Described("string", label, text);
        JArray keys = OptionKeys(prop);
        if (keys.Count > 0)
        {
            schema["enum"] = keys;
        }
        return schema;
    }

    private static JObject MultiChoiceValue(string label, JObject prop, string text)
    {
        JObject schema = Described("array", label, text);
        JObject items = new JObject { { "type", "string" } };
        JArray keys = OptionKeys(prop);
        if (keys.Count > 0)
        {
            items["enum"] = keys;
        }
        schema["items"] = items;
        return schema;
    }

    // An array of objects with one required string property (entity code or fileKey).
    private static JObject KeyedList(string label, string text, string key, string keySummary, string keyText)
    {
        JObject schema = Described("array", label, text);
        schema["items"] = new JObject
        {
            { "type", "object" },
            { "properties", new JObject { { key, Described("string", keySummary, keyText) } } },
            { "required", new JArray(key) },
        };
        return schema;
    }

    private static JObject TableValue(string label, JObject prop, HashSet<string> copyTargets, bool add)
    {
        JObject rowValue = Described("object", "Row fields", RowValueText);
        FillObject(rowValue, AsObject(prop["fields"]), copyTargets, add);
        JObject schema = Described("array", label, RowsText);
        schema["items"] = new JObject
        {
            { "type", "object" },
            { "properties", new JObject { { "id", Described("string", "Row ID", RowIdText) }, { "value", rowValue } } },
        };
        return schema;
    }

    // The schema of a field's value (the part sent as {"value": ...}).
    private static JObject ValueSchema(string type, string label, JObject prop, HashSet<string> copyTargets, bool add)
    {
        if (type == "LINK")
        {
            return LinkValue(label, prop);
        }
        if (Scalars.ContainsKey(type))
        {
            return ScalarValue(type, label, prop);
        }
        if (Choices.ContainsKey(type))
        {
            return ChoiceValue(label, prop, Choices[type]);
        }
        if (MultiChoices.ContainsKey(type))
        {
            return MultiChoiceValue(label, prop, MultiChoices[type]);
        }
        if (Entities.ContainsKey(type))
        {
            return KeyedList(label, Entities[type][0], "code", "Code", Entities[type][1]);
        }
        if (type == "FILE")
        {
            return KeyedList(label, FileText, "fileKey", "File key", FileKeyText);
        }
        return TableValue(label, prop, copyTargets, add);
    }

    private static bool IsWritable(string code, JObject prop, HashSet<string> copyTargets)
    {
        string type = StringOf(prop["type"]);
        if (type == null || !Nouns.ContainsKey(type) || copyTargets.Contains(code))
        {
            return false;
        }
        // A text field with a formula is filled in by kintone; writes to it are rejected.
        return !(type == "SINGLE_LINE_TEXT" && !string.IsNullOrEmpty(StringOf(prop["expression"])));
    }

    private static JObject FieldSchema(string code, JObject prop, HashSet<string> copyTargets, bool add)
    {
        string type = StringOf(prop["type"]);
        string label = Label(code, prop);
        JObject schema = Described("object", label, Nouns[type] + " \"" + label + "\" (" + type + ").");
        schema["properties"] = new JObject { { "value", ValueSchema(type, label, prop, copyTargets, add) } };
        schema["required"] = new JArray("value");
        return schema;
    }

    // Adds "properties" (writable fields, input order) and "required" (if any) to schema.
    private static void FillObject(JObject schema, JObject properties, HashSet<string> copyTargets, bool add)
    {
        JObject fields = new JObject();
        JArray required = new JArray();
        foreach (JProperty property in properties.Properties())
        {
            JObject prop = property.Value as JObject;
            if (prop == null || !IsWritable(property.Name, prop, copyTargets))
            {
                continue;
            }
            fields[property.Name] = FieldSchema(property.Name, prop, copyTargets, add);
            JToken isRequired = prop["required"];
            if (add && isRequired != null && isRequired.Type == JTokenType.Boolean && (bool)isRequired)
            {
                required.Add(property.Name);
            }
        }
        schema["properties"] = fields;
        if (required.Count > 0)
        {
            schema["required"] = required;
        }
    }

    // {"schema": JSON Schema of a record body} for a kintone form-fields response.
    internal static JObject RecordSchema(JObject fieldsResponse, string mode)
    {
        JObject properties = AsObject(fieldsResponse["properties"]);
        HashSet<string> copyTargets = new HashSet<string>();
        CollectCopyTargets(properties, copyTargets);
        JObject schema = new JObject { { "type", "object" } };
        FillObject(schema, properties, copyTargets, mode == "add");
        return new JObject { { "schema", schema } };
    }
}
