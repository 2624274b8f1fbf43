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
    private const string GuestSpaceParameter = "guestSpaceId";
    private const string RecordsPath = "/k/v1/records.json";
    // Private headers the policies fill with raw connection values (they cannot compute base64).
    private const string TokenHeader = "X-Cybozu-API-Token";
    private const string UsernameHeader = "X-Kintone-Username";
    private const string PasswordHeader = "X-Kintone-Password";
    private const string BasicUsernameHeader = "X-Kintone-Basic-Username";
    private const string BasicPasswordHeader = "X-Kintone-Basic-Password";
    private const string CybozuAuthorization = "X-Cybozu-Authorization";
    private const int MaxSmallInt = 999999999;

    // Strict decoding: a body that is not valid UTF-8 counts as "not JSON", as in Python.
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, true);

    // The URL the platform called, and the same after the guest-space rewrite.
    private string incomingUrl;
    private string requestUrl;

    public override async Task<HttpResponseMessage> ExecuteAsync()
    {
        // Authentication first, for every operation: the forwarded request and every request
        // built from its headers (form fields, polling queries) carry kintone's headers.
        HttpRequestMessage request = this.Context.Request;
        NormalizeAuth(request);
        // Guest spaces next: what follows then sees kintone's own path.
        this.incomingUrl = request.RequestUri.AbsoluteUri;
        this.requestUrl = GuestRewrite(this.incomingUrl, GuestSpaceParameter);
        if (this.requestUrl != this.incomingUrl)
        {
            request.RequestUri = new Uri(this.requestUrl);
        }
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
            case "GetApps":
                return await this.ForwardIndexedAsync(new string[] { "ids", "codes", "spaceIds", }).ConfigureAwait(false);
            case "GetPreviewAppDeploy":
                return await this.ForwardIndexedAsync(new string[] { "apps", }).ConfigureAwait(false);
            case "AddRecordsBulk":
                return await this.BulkRecordsAsync("add").ConfigureAwait(false);
            case "UpdateRecordsBulk":
                return await this.BulkRecordsAsync("update").ConfigureAwait(false);
            case "DeleteRecordsBulk":
                return await this.BulkRecordsAsync("delete").ConfigureAwait(false);
            case "BulkRequest":
                return await this.BulkRequestAsync().ConfigureAwait(false);
            case "OnRecordsAdded":
                return await this.PollAddedAsync().ConfigureAwait(false);
            case "OnRecordsUpdated":
                return await this.PollUpdatedAsync().ConfigureAwait(false);
            case "OnRecordStatusChanged":
                return await this.PollStatusAsync().ConfigureAwait(false);
            default:
                return await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
        }
    }

    // ---- Operations ---------------------------------------------------------------------

    private async Task<HttpResponseMessage> GetRecordSchemaAsync()
    {
        HttpRequestMessage request = this.Context.Request;
        string requestUrl = request.RequestUri.AbsoluteUri;
        // The incoming request is reused so its (normalized) authentication headers go along.
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
        // kintone's integration endpoint is undocumented: a Location it sends is kept as it
        // is; only without one is a Location built from the webhook id in its body.
        if (upstream.Headers.Location != null)
        {
            upstream.StatusCode = HttpStatusCode.Created;
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

    // ---- Bulk writes through bulkRequest -------------------------------------------------
    // Same rules as customcode.bulk_records: the list is cut into chunks of 100 sent as the
    // requests of ONE bulkRequest (at most 20), which kintone runs all or nothing; the results
    // are merged into the 100-record action's answer. On failure the failing request's error is
    // the answer, with error keys renumbered to the position in the whole list.

    private const int BulkChunk = 100;
    private const int BulkMax = 2000;
    private const string BulkPath = "/k/v1/bulkRequest.json";
    private static readonly string[] Renumbered = new[] { "records[", "ids[", "revisions[" };

    private async Task<HttpResponseMessage> BulkRecordsAsync(string kind)
    {
        HttpRequestMessage request = this.Context.Request;
        JObject body = ParseJsonObject(await ReadBytesAsync(request.Content).ConfigureAwait(false));
        if (body == null)
        {
            return JsonResponse(HttpStatusCode.BadRequest, KintoneError("CONNECTOR_BK01", "The request body is not a JSON object."));
        }
        string name = kind == "delete" ? "ids" : "records";
        JArray items = body[name] as JArray;
        if (items == null || items.Count > BulkMax)
        {
            return JsonResponse(HttpStatusCode.BadRequest, BulkTooMany(name));
        }
        if (items.Count == 0)
        {
            return JsonResponse(HttpStatusCode.OK, BulkMerged(kind, new JArray()));
        }
        string api = KintoneUrl(this.requestUrl, RecordsPath, "").TrimEnd('?');
        api = api.Substring(AuthorityEnd(api));
        string method = kind == "add" ? "POST" : kind == "update" ? "PUT" : "DELETE";
        JArray requests = new JArray();
        for (int start = 0; start < items.Count; start += BulkChunk)
        {
            requests.Add(new JObject { { "method", method }, { "api", api }, { "payload", BulkPayload(kind, body, start) } });
        }
        request.Method = HttpMethod.Post;
        request.RequestUri = new Uri(KintoneUrl(this.requestUrl, BulkPath, "").TrimEnd('?'));
        request.Content = CreateJsonContent(new JObject { { "requests", requests } }.ToString(Formatting.None));
        HttpResponseMessage upstream = await this.Context.SendAsync(request, this.CancellationToken).ConfigureAwait(false);
        byte[] answer = await ReadBytesAsync(upstream.Content).ConfigureAwait(false);
        if (!upstream.IsSuccessStatusCode)
        {
            JObject error = BulkError(ParseJsonObject(answer));
            return error == null ? upstream : JsonResponse(upstream.StatusCode, error);
        }
        JObject parsed = ParseJsonObject(answer);
        JArray results = parsed == null ? null : parsed["results"] as JArray;
        if (results == null || results.Count != requests.Count)
        {
            return JsonResponse(HttpStatusCode.BadGateway, KintoneError("CONNECTOR_BK03", "kintone returned a bulkRequest response without results."));
        }
        return JsonResponse(HttpStatusCode.OK, BulkMerged(kind, results));
    }

    internal static JObject BulkTooMany(string name)
    {
        return KintoneError("CONNECTOR_BK02", name + " must be an array of at most " + BulkMax + " items.");
    }

    // One records.json payload: the app, this chunk, and the options that apply to it.
    private static JObject BulkPayload(string kind, JObject body, int start)
    {
        string name = kind == "delete" ? "ids" : "records";
        JObject payload = new JObject { { "app", body["app"] != null ? body["app"].DeepClone() : JValue.CreateNull() } };
        if (kind == "update" && body["upsert"] != null)
        {
            payload["upsert"] = body["upsert"].DeepClone();
        }
        payload[name] = Chunk((JArray)body[name], start);
        JArray revisions = body["revisions"] as JArray;
        if (kind == "delete" && revisions != null)
        {
            payload["revisions"] = Chunk(revisions, start);
        }
        return payload;
    }

    private static JArray Chunk(JArray items, int start)
    {
        JArray chunk = new JArray();
        for (int i = start; i < items.Count && i < start + BulkChunk; i++)
        {
            chunk.Add(items[i].DeepClone());
        }
        return chunk;
    }

    // The results of the chunks as one answer of the 100-record action.
    private static JObject BulkMerged(string kind, JArray results)
    {
        if (kind == "add")
        {
            JArray ids = new JArray();
            JArray revisions = new JArray();
            foreach (JToken result in results)
            {
                AddAll(ids, AsObject(result)["ids"]);
                AddAll(revisions, AsObject(result)["revisions"]);
            }
            return new JObject { { "ids", ids }, { "revisions", revisions } };
        }
        if (kind == "update")
        {
            JArray records = new JArray();
            foreach (JToken result in results)
            {
                AddAll(records, AsObject(result)["records"]);
            }
            return new JObject { { "records", records } };
        }
        return new JObject();
    }

    private static void AddAll(JArray into, JToken items)
    {
        JArray list = items as JArray;
        if (list == null)
        {
            return;
        }
        foreach (JToken item in list)
        {
            into.Add(item.DeepClone());
        }
    }

    // kintone's error of the failing chunk, keys renumbered; null: pass kintone's answer on.
    private static JObject BulkError(JObject answer)
    {
        JArray results = answer == null ? null : answer["results"] as JArray;
        if (results == null)
        {
            return null;
        }
        for (int index = 0; index < results.Count; index++)
        {
            JObject result = results[index] as JObject;
            if (result == null || result.Count == 0)
            {
                continue;
            }
            JObject error = (JObject)result.DeepClone();
            JObject errors = result["errors"] as JObject;
            if (errors != null)
            {
                JObject renumbered = new JObject();
                foreach (JProperty property in errors.Properties())
                {
                    renumbered[Renumber(property.Name, index * BulkChunk)] = property.Value.DeepClone();
                }
                error["errors"] = renumbered;
            }
            return error;
        }
        return null;
    }

    // records[5].Title.value with offset 100 becomes records[105].Title.value; other keys stay.
    internal static string Renumber(string key, int offset)
    {
        foreach (string prefix in Renumbered)
        {
            int end = key.IndexOf(']', Math.Min(prefix.Length, key.Length));
            if (key.StartsWith(prefix, StringComparison.Ordinal) && end > prefix.Length)
            {
                long? number = DigitsValue(key.Substring(prefix.Length, end - prefix.Length));
                if (number != null)
                {
                    return prefix + (number.Value + offset) + key.Substring(end);
                }
            }
        }
        return key;
    }

    // BulkRequest: the caller's requests as they are; in a guest space, each inner /k/v1/
    // path moves into the guest space like the outer one.
    private async Task<HttpResponseMessage> BulkRequestAsync()
    {
        HttpRequestMessage request = this.Context.Request;
        string baseUrl = SplitQuery(SplitFragment(this.requestUrl)[0])[0];
        string prefix = GuestPrefix(baseUrl.Substring(AuthorityEnd(baseUrl)));
        JObject body = prefix.Length > 0 ? ParseJsonObject(await ReadBytesAsync(request.Content).ConfigureAwait(false)) : null;
        JArray requests = body == null ? null : body["requests"] as JArray;
        if (requests != null)
        {
            foreach (JToken item in requests)
            {
                JObject inner = item as JObject;
                string api = inner == null ? null : StringOf(inner["api"]);
                if (api != null && api.StartsWith("/k/v1/", StringComparison.Ordinal))
                {
                    inner["api"] = prefix + api.Substring(2);
                }
            }
            request.Content = CreateJsonContent(body.ToString(Formatting.None));
        }
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

    internal static JObject NoUpdatedTime()
    {
        return KintoneError("CONNECTOR_PL01", "The app has no Updated datetime field (UPDATED_TIME), so updated records cannot be watched.");
    }

    internal static JObject RecordsUnreadable()
    {
        return KintoneError("CONNECTOR_PL02", "kintone returned a records response without a records array.");
    }

    internal static JObject TimeUnreadable()
    {
        return KintoneError("CONNECTOR_PL03", "kintone returned an updated time that is not in the form YYYY-MM-DDTHH:MM:SSZ.");
    }

    internal static JObject NoStatus()
    {
        return KintoneError("CONNECTOR_PL04", "The app has no Status field or its process management is off, so status changes cannot be watched.");
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
        return PercentEncodeBytes(Encoding.UTF8.GetBytes(value));
    }

    private static string PercentEncodeBytes(byte[] bytes)
    {
        StringBuilder result = new StringBuilder();
        foreach (byte b in bytes)
        {
            char c = (char)b;
            bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
            result.Append(unreserved ? c.ToString() : "%" + b.ToString("X2"));
        }
        return result.ToString();
    }

    private static bool IsHex(byte b)
    {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    // The bytes a raw query value stands for: %XX decoded, everything else (also "+") kept.
    // Bytes, not text, so that invalid UTF-8 cannot be repaired differently by .NET and Python.
    private static byte[] PercentDecode(string raw)
    {
        byte[] data = Encoding.UTF8.GetBytes(raw);
        List<byte> result = new List<byte>();
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] == '%' && i + 2 < data.Length && IsHex(data[i + 1]) && IsHex(data[i + 2]))
            {
                result.Add(Convert.ToByte(Encoding.ASCII.GetString(data, i + 1, 2), 16));
                i += 2;
            }
            else
            {
                result.Add(data[i]);
            }
        }
        return result.ToArray();
    }

    private static string PairName(string pair)
    {
        int equals = pair.IndexOf('=');
        return equals < 0 ? pair : pair.Substring(0, equals);
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

    // Origin of requestUrl + path (under its guest-space prefix, if any) + "?" + query.
    internal static string KintoneUrl(string requestUrl, string path, string query)
    {
        string baseUrl = SplitQuery(SplitFragment(requestUrl)[0])[0];
        int end = AuthorityEnd(baseUrl);
        string prefix = GuestPrefix(baseUrl.Substring(end));
        if (prefix.Length > 0 && path.StartsWith("/k/", StringComparison.Ordinal))
        {
            path = prefix + path.Substring(2);
        }
        return baseUrl.Substring(0, end) + path + "?" + query;
    }

    private static string RequestQuery(string url)
    {
        return SplitQuery(SplitFragment(url)[0])[1];
    }

    internal static string RecordSchemaUpstreamUrl(string requestUrl, string fieldsPath)
    {
        string app = QueryValue(RequestQuery(requestUrl), "app") ?? "";
        return KintoneUrl(requestUrl, fieldsPath, "app=" + app);
    }

    // add / update describe a record body to write, add-list the records array of AddRecords,
    // update-list the records array of UpdateRecords, record / records the typed outputs of
    // the read operations, event the payload of the record webhooks, poll the 200 body of the
    // polling triggers; anything else means add.
    private static readonly string[] Modes = new[] { "add", "update", "add-list", "update-list", "record", "records", "event", "poll" };

    internal static string SchemaMode(string requestUrl)
    {
        string mode = QueryValue(RequestQuery(requestUrl), "mode");
        return Modes.Contains(mode) ? mode : "add";
    }

    // ---- Authentication -----------------------------------------------------------------

    // Same rules as customcode.normalize_auth. Header names compare case-insensitively; a
    // header given more than once counts as its values joined by ", ".
    // 1. The four private headers always go: kintone must never see a password in clear.
    // 2. A token header whose values are all empty or whitespace (space, tab) goes.
    // 3. A user name sets X-Cybozu-Authorization and drops the token: kintone prefers the
    //    password anyway, and both only confuse.
    // 4. A Basic user name sets Authorization unless the request has one: OAuth's Bearer token
    //    wins, as kintone cannot take both in one header.
    // New headers are added after the others (X-Cybozu-Authorization, then Authorization);
    // .NET's header collection does not promise an order, so order is not compared.
    internal static void NormalizeAuth(HttpRequestMessage request)
    {
        string username = TakeHeader(request, UsernameHeader);
        string password = TakeHeader(request, PasswordHeader);
        string basicUsername = TakeHeader(request, BasicUsernameHeader);
        string basicPassword = TakeHeader(request, BasicPasswordHeader);
        IEnumerable<string> tokens;
        if (request.Headers.TryGetValues(TokenHeader, out tokens) && tokens.All(t => t.Trim(' ', '\t').Length == 0))
        {
            request.Headers.Remove(TokenHeader);
        }
        if (username.Length > 0)
        {
            request.Headers.Remove(TokenHeader);
            request.Headers.Remove(CybozuAuthorization);
            request.Headers.TryAddWithoutValidation(CybozuAuthorization, Base64Pair(username, password));
        }
        if (basicUsername.Length > 0 && !request.Headers.Contains("Authorization"))
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Base64Pair(basicUsername, basicPassword));
        }
    }

    // The values of a header joined by ", " ("" when absent); the header is removed.
    private static string TakeHeader(HttpRequestMessage request, string name)
    {
        IEnumerable<string> values;
        if (!request.Headers.TryGetValues(name, out values))
        {
            return "";
        }
        request.Headers.Remove(name);
        return string.Join(", ", values);
    }

    internal static string Base64Pair(string user, string password)
    {
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
    }

    // ---- Guest spaces -------------------------------------------------------------------

    // Every pair named parameter is dropped (an empty one too, so kintone never sees a
    // parameter it does not know). When the first one has a value, /k/v1/... becomes
    // /k/guest/<id>/v1/... (and /k/integration/v1/... becomes /k/guest/<id>/integration/v1/...)
    // with the id re-encoded (RFC 3986), so "/" or "?" in it cannot change the path. Other
    // paths (already /k/guest/...) stay as they are.
    internal static string GuestRewrite(string url, string parameter)
    {
        string[] withoutFragment = SplitFragment(url);
        string[] parts = SplitQuery(withoutFragment[0]);
        string[] pairs = parts[1].Length > 0 ? parts[1].Split('&') : new string[0];
        string[] kept = pairs.Where(pair => PairName(pair) != parameter).ToArray();
        if (kept.Length == pairs.Length)
        {
            return url;
        }
        string space = QueryValue(parts[1], parameter) ?? "";
        int end = AuthorityEnd(parts[0]);
        string path = parts[0].Substring(end);
        if (space.Length > 0 && (path.StartsWith("/k/v1/", StringComparison.Ordinal) || path.StartsWith("/k/integration/v1/", StringComparison.Ordinal)))
        {
            path = "/k/guest/" + PercentEncodeBytes(PercentDecode(space)) + path.Substring(2);
        }
        string query = string.Join("&", kept);
        return parts[0].Substring(0, end) + path + (query.Length > 0 ? "?" + query : "") + withoutFragment[1];
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
    // requestUrl is the guest-rewritten URL: a webhook of a guest-space app is removed through
    // the same guest space, so its id goes back into the query where RemoveWebhook reads it.
    internal static string SubscribeLocation(string requestUrl, JObject requestBody, JObject upstreamBody, string removeWebhookPath)
    {
        string webhookId = IdText(upstreamBody["id"]);
        if (webhookId.Length == 0)
        {
            return null;
        }
        string app = PercentEncode(IdText(requestBody["app"]));
        string baseUrl = SplitQuery(SplitFragment(requestUrl)[0])[0];
        string prefix = GuestPrefix(baseUrl.Substring(AuthorityEnd(baseUrl)));
        string guest = prefix.Length > 0 ? "&" + GuestSpaceParameter + "=" + prefix.Substring("/k/guest/".Length) : "";
        return "https://" + Authority(requestUrl) + removeWebhookPath + "?app=" + app + "&id=" + PercentEncode(webhookId) + guest;
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

    // JSON Schema of a record body to add (add == true) or to update.
    internal static JObject WriteRecordSchema(JObject fieldsResponse, bool add)
    {
        JObject properties = AsObject(fieldsResponse["properties"]);
        HashSet<string> copyTargets = new HashSet<string>();
        CollectCopyTargets(properties, copyTargets);
        JObject schema = new JObject { { "type", "object" } };
        FillObject(schema, properties, copyTargets, add);
        return schema;
    }

    // One entry of UpdateRecords' records: the record to change, and its typed fields.
    internal static JObject UpdateItemSchema(JObject fieldsResponse)
    {
        JObject key = Described("object", "Update key", "A field that prohibits duplicate values, and the value that identifies the record.");
        key["properties"] = new JObject
        {
            { "field", Described("string", "Update key field code", "The code of the unique field.") },
            { "value", Described("string", "Update key value", "The value that identifies the record.") },
        };
        key["required"] = new JArray("field", "value");
        JObject record = WriteRecordSchema(fieldsResponse, false);
        record["x-ms-summary"] = "Fields";
        record["description"] = "The field values to change, by field code.";
        JObject properties = new JObject
        {
            { "id", Described("string", "Record ID", "The ID of the record to update; or use an update key.") },
            { "updateKey", key },
            { "revision", Described("string", "Expected revision", "The record's current revision; empty or -1 skips the check.") },
            { "record", record },
        };
        return new JObject { { "type", "object" }, { "properties", properties } };
    }

    // {"schema": JSON Schema for mode} for a kintone form-fields response.
    internal static JObject RecordSchema(JObject fieldsResponse, string mode)
    {
        if (mode == "add" || mode == "update")
        {
            return new JObject { { "schema", WriteRecordSchema(fieldsResponse, mode == "add") } };
        }
        if (mode == "add-list")
        {
            JObject list = new JObject { { "type", "array" }, { "items", WriteRecordSchema(fieldsResponse, true) } };
            return new JObject { { "schema", list } };
        }
        if (mode == "update-list")
        {
            JObject updates = new JObject { { "type", "array" }, { "items", UpdateItemSchema(fieldsResponse) } };
            return new JObject { { "schema", updates } };
        }
        JObject record = ReadRecordSchema(fieldsResponse);
        if (mode == "record")
        {
            JObject single = new JObject { { "type", "object" }, { "properties", new JObject { { "record", record } } } };
            return new JObject { { "schema", single } };
        }
        if (mode == "event")
        {
            return new JObject { { "schema", RecordEvent(record) } };
        }
        if (mode == "poll")
        {
            JObject value = new JObject { { "type", "array" }, { "items", record } };
            JObject poll = new JObject { { "type", "object" }, { "properties", new JObject { { "value", value } } } };
            return new JObject { { "schema", poll } };
        }
        return new JObject { { "schema", RecordsPage(record) } };
    }

    // A Get Records answer: the records and the total count (null unless asked for).
    private static JObject RecordsPage(JObject record)
    {
        JObject properties = new JObject
        {
            { "records", new JObject { { "type", "array" }, { "items", record } } },
            { "totalCount", new JObject { { "type", "string" }, { "x-nullable", true } } },
        };
        return new JObject { { "type", "object" }, { "properties", properties } };
    }

    private const string EventRecordText = "The record with the fields of the app, each field as type and value.";

    // What kintone posts for ADD_RECORD, UPDATE_RECORD and UPDATE_STATUS, with the app's
    // fields. The record has the read record's properties, with a summary and description added.
    private static JObject RecordEvent(JObject record)
    {
        JObject eventType = Described("string", "Event type", "The kind of event.");
        eventType["enum"] = new JArray("ADD_RECORD", "UPDATE_RECORD", "UPDATE_STATUS");
        JObject app = Described("object", "App", "The app where the event happened.");
        app["properties"] = new JObject
        {
            { "id", Described("string", "App ID", "The ID of the app.") },
            { "name", Described("string", "App name", "The name of the app.") },
        };
        JObject eventRecord = Described("object", "Record", EventRecordText);
        eventRecord["properties"] = record["properties"];
        JObject url = Described("string", "Record URL", "The address of the record.");
        url["format"] = "uri";
        JObject properties = new JObject
        {
            { "id", Described("string", "Notification ID", "The unique ID of this notification.") },
            { "type", eventType },
            { "app", app },
            { "record", eventRecord },
            { "recordTitle", Described("string", "Record title", "The record's title as set in the app.") },
            { "url", url },
        };
        return new JObject { { "type", "object" }, { "properties", properties } };
    }

    // ---- Read record schema -------------------------------------------------------------
    // What kintone returns for a record (kintone-api.md section 4.1): every field with a
    // record value, each {"type", "value"}. Labels become x-ms-summary so the flow designer
    // names the tokens after the fields; "type" is internal, as nobody needs a token for it.

    // Types read as one string: JSON Schema format ("" for none), "null" when null occurs.
    // NUMBER and CALC are strings on reads. DATETIME has no format: kintone sends "" when empty.
    private static readonly Dictionary<string, string[]> ReadStrings = new Dictionary<string, string[]>
    {
        { "__ID__", new[] { "", "" } },
        { "__REVISION__", new[] { "", "" } },
        { "RECORD_NUMBER", new[] { "", "" } },
        { "SINGLE_LINE_TEXT", new[] { "", "" } },
        { "MULTI_LINE_TEXT", new[] { "", "" } },
        { "RICH_TEXT", new[] { "", "" } },
        { "LINK", new[] { "", "" } },
        { "NUMBER", new[] { "", "" } },
        { "CALC", new[] { "", "" } },
        { "RADIO_BUTTON", new[] { "", "" } },
        { "STATUS", new[] { "", "" } },
        { "DATETIME", new[] { "", "" } },
        { "CREATED_TIME", new[] { "date-time", "" } },
        { "UPDATED_TIME", new[] { "date-time", "" } },
        { "DROP_DOWN", new[] { "", "null" } },
        { "DATE", new[] { "date", "null" } },
        { "TIME", new[] { "", "null" } },
    };

    private static readonly HashSet<string> ReadStringLists = new HashSet<string> { "CHECK_BOX", "MULTI_SELECT", "CATEGORY" };
    private static readonly HashSet<string> ReadEntityLists = new HashSet<string>
    {
        "USER_SELECT", "ORGANIZATION_SELECT", "GROUP_SELECT", "STATUS_ASSIGNEE",
    };
    private static readonly HashSet<string> ReadEntities = new HashSet<string> { "CREATOR", "MODIFIER" };

    // The two system entries every record has, though the form fields never list them.
    private static readonly string[][] ReadSystem = new[]
    {
        new[] { "$id", "__ID__", "Record ID" },
        new[] { "$revision", "__REVISION__", "Revision" },
    };
    private static readonly string[][] EntityParts = new[] { new[] { "code", "Code" }, new[] { "name", "Name" } };
    private static readonly string[][] FileParts = new[]
    {
        new[] { "contentType", "Content type" },
        new[] { "fileKey", "File key" },
        new[] { "name", "File name" },
        new[] { "size", "Size in bytes" },
    };

    private static JObject Summarised(string jsonType, string summary)
    {
        return new JObject { { "type", jsonType }, { "x-ms-summary", summary } };
    }

    // An object of string properties, each { name, summary }.
    private static JObject ReadObject(string[][] parts)
    {
        JObject properties = new JObject();
        foreach (string[] part in parts)
        {
            properties[part[0]] = Summarised("string", part[1]);
        }
        return new JObject { { "type", "object" }, { "properties", properties } };
    }

    private static JObject ReadString(string type, string label)
    {
        string[] shape = ReadStrings[type];
        JObject schema = Summarised("string", label);
        if (shape[0].Length > 0)
        {
            schema["format"] = shape[0];
        }
        if (shape[1].Length > 0)
        {
            schema["x-nullable"] = true;
        }
        return schema;
    }

    private static JObject ReadList(string label, JObject items)
    {
        JObject schema = Summarised("array", label);
        schema["items"] = items;
        return schema;
    }

    private static JObject ReadTable(string label, JObject prop)
    {
        JObject rowValue = new JObject { { "type", "object" }, { "properties", ReadFields(AsObject(prop["fields"]), new JObject()) } };
        JObject rowProperties = new JObject { { "id", Summarised("string", "Row ID") }, { "value", rowValue } };
        return ReadList(label, new JObject { { "type", "object" }, { "properties", rowProperties } });
    }

    // The schema of a field's value as kintone returns it; null for types without one.
    private static JObject ReadValue(string type, string label, JObject prop)
    {
        if (ReadStrings.ContainsKey(type))
        {
            return ReadString(type, label);
        }
        if (ReadStringLists.Contains(type))
        {
            return ReadList(label, new JObject { { "type", "string" } });
        }
        if (ReadEntityLists.Contains(type))
        {
            return ReadList(label, ReadObject(EntityParts));
        }
        if (ReadEntities.Contains(type))
        {
            return new JObject { { "type", "object" }, { "x-ms-summary", label }, { "properties", ReadObject(EntityParts)["properties"] } };
        }
        if (type == "FILE")
        {
            return ReadList(label, ReadObject(FileParts));
        }
        // GROUP, REFERENCE_TABLE and types this connector does not know yet have no value.
        return type == "SUBTABLE" ? ReadTable(label, prop) : null;
    }

    private static JObject ReadField(string label, JObject value)
    {
        JObject type = new JObject { { "type", "string" }, { "x-ms-visibility", "internal" } };
        JObject properties = new JObject { { "type", type }, { "value", value } };
        return new JObject { { "type", "object" }, { "x-ms-summary", label }, { "properties", properties } };
    }

    // Adds read schemas of the fields that have a record value to into, in input order.
    private static JObject ReadFields(JObject properties, JObject into)
    {
        foreach (JProperty property in properties.Properties())
        {
            JObject prop = property.Value as JObject;
            string type = prop == null ? null : StringOf(prop["type"]);
            if (type == null)
            {
                continue;
            }
            string label = Label(property.Name, prop);
            JObject value = ReadValue(type, label, prop);
            if (value != null)
            {
                into[property.Name] = ReadField(label, value);
            }
        }
        return into;
    }

    // JSON Schema of one record as kintone returns it: $id and $revision, then the fields.
    internal static JObject ReadRecordSchema(JObject fieldsResponse)
    {
        JObject fields = new JObject();
        foreach (string[] system in ReadSystem)
        {
            fields[system[0]] = ReadField(system[2], ReadString(system[1], system[2]));
        }
        ReadFields(AsObject(fieldsResponse["properties"]), fields);
        return new JObject { { "type", "object" }, { "properties", fields } };
    }

    // ---- Polling triggers ---------------------------------------------------------------
    // The platform's polling contract: the trigger calls the operation, then keeps calling the
    // URL in the answer's Location header. 200 + {"value": [...]} fires the flow for each
    // record; 202 means nothing new and Retry-After says when to look again. The watermark so
    // lives in the Location URL's state parameter; the script keeps nothing between calls.
    // Added records: state is the highest $id delivered, in decimal.
    // Updated records and status changes: state is an UpdatedToken (see EncodeUpdatedToken).
    // Records are re-serialised; see customcode.py for why that keeps parity with Python.

    private const int PollLimit = 500; // kintone's maximum per Get Records call
    private const string PollRetrySeconds = "60";
    private const long MaxId = 999999999999999999; // 18 digits: room for one addition in a long
    private const int MaxDelivered = 100000; // pairs one token may expand to; more means forged
    private const string Epoch = "197001010000"; // watermark of an app without records
    private static readonly string[] NoFields = new string[0];

    // The records of a Get Records answer, or (Answer) the response to give instead.
    private sealed class Fetched
    {
        public HttpResponseMessage Answer;
        public JArray Records;
    }

    // Watermark of the updated-records trigger: a minute, and {$id: $revision} delivered in it.
    internal sealed class UpdatedToken
    {
        public string Time; // YYYY-MM-DDTHH:MM:00Z, the start of the minute
        public Dictionary<long, long> Delivered = new Dictionary<long, long>();
    }

    // 1 to 18 ASCII digits as a number; null for anything else (also signs and spaces).
    internal static long? DigitsValue(string text)
    {
        if (text == null || text.Length == 0 || text.Length > 18 || !text.All(c => c >= '0' && c <= '9'))
        {
            return null;
        }
        long result = 0;
        foreach (char c in text)
        {
            result = result * 10 + (c - '0');
        }
        return result;
    }

    // $id or $revision of a record as a number.
    private static long? RecordNumber(JToken record, string key)
    {
        return DigitsValue(StringOf(AsObject(AsObject(record)[key])["value"]));
    }

    // Exactly YYYY-MM-DDTHH:MM:SSZ, the form kintone gives record times in.
    private static bool IsKintoneTime(string text)
    {
        const string shape = "dddd-dd-ddTdd:dd:ddZ";
        if (text.Length != shape.Length)
        {
            return false;
        }
        for (int i = 0; i < shape.Length; i++)
        {
            bool fits = shape[i] == 'd' ? text[i] >= '0' && text[i] <= '9' : text[i] == shape[i];
            if (!fits)
            {
                return false;
            }
        }
        return true;
    }

    private static string RecordTime(JToken record, string code)
    {
        string value = StringOf(AsObject(AsObject(record)[code])["value"]);
        return value != null && IsKintoneTime(value) ? value : null;
    }

    // The start of the minute of a record's updated time (YYYY-MM-DDTHH:MM:00Z), or null.
    private static string RecordMinute(JToken record, string code)
    {
        string time = RecordTime(record, code);
        return time == null ? null : time.Substring(0, 17) + "00Z";
    }

    // requestUrl with its state parameter set to state (replaced in place, else appended).
    internal static string PollingLocation(string requestUrl, string state)
    {
        string[] parts = SplitQuery(SplitFragment(requestUrl)[0]);
        string pair = "state=" + PercentEncode(state);
        List<string> pairs = new List<string>();
        foreach (string item in parts[1].Length > 0 ? parts[1].Split('&') : new string[0])
        {
            if (PairName(item) != "state")
            {
                pairs.Add(item);
            }
            else if (!pairs.Contains(pair))
            {
                pairs.Add(pair);
            }
        }
        if (!pairs.Contains(pair))
        {
            pairs.Add(pair);
        }
        return parts[0] + "?" + string.Join("&", pairs);
    }

    // The query string of a Get Records call; app is still encoded, the rest gets encoded.
    internal static string RecordsQuery(string app, string query, string[] fields)
    {
        return EncodedRecordsQuery(app, PercentEncode(query), fields);
    }

    // RecordsQuery for a query that is percent-encoded already.
    internal static string EncodedRecordsQuery(string app, string query, string[] fields)
    {
        StringBuilder text = new StringBuilder("app=" + app + "&query=" + query);
        for (int i = 0; i < fields.Length; i++)
        {
            text.Append("&fields%5B" + i + "%5D=" + PercentEncode(fields[i]));
        }
        return text.ToString();
    }

    private static HttpResponseMessage Waiting(string location)
    {
        HttpResponseMessage response = new HttpResponseMessage(HttpStatusCode.Accepted);
        response.Headers.Location = new Uri(location);
        response.Headers.TryAddWithoutValidation("Retry-After", PollRetrySeconds);
        return response;
    }

    private static HttpResponseMessage Delivered(string location, IEnumerable<JToken> records)
    {
        // Added one by one: new JArray(aJArray) would nest the array instead of copying it.
        JArray value = new JArray();
        foreach (JToken record in records)
        {
            value.Add(record);
        }
        HttpResponseMessage response = JsonResponse(HttpStatusCode.OK, new JObject { { "value", value } });
        response.Headers.Location = new Uri(location);
        return response;
    }

    // A fresh message per call (one message cannot be sent twice), carrying the incoming
    // request's headers, which hold the connection's authentication.
    private async Task<HttpResponseMessage> GetUpstreamAsync(string url)
    {
        HttpRequestMessage request = new HttpRequestMessage(HttpMethod.Get, new Uri(url));
        foreach (KeyValuePair<string, IEnumerable<string>> header in this.Context.Request.Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        return await this.Context.SendAsync(request, this.CancellationToken).ConfigureAwait(false);
    }

    private async Task<Fetched> FetchRecordsAsync(string app, string query, string[] fields)
    {
        return await this.FetchEncodedAsync(app, PercentEncode(query), fields).ConfigureAwait(false);
    }

    // FetchRecordsAsync for a query that is percent-encoded already.
    private async Task<Fetched> FetchEncodedAsync(string app, string query, string[] fields)
    {
        string url = KintoneUrl(this.requestUrl, RecordsPath, EncodedRecordsQuery(app, query, fields));
        HttpResponseMessage upstream = await this.GetUpstreamAsync(url).ConfigureAwait(false);
        if (!upstream.IsSuccessStatusCode)
        {
            return new Fetched { Answer = upstream }; // kintone's own error, unchanged
        }
        JObject body = ParseJsonObject(await ReadBytesAsync(upstream.Content).ConfigureAwait(false));
        JArray records = body == null ? null : body["records"] as JArray;
        if (records == null)
        {
            return new Fetched { Answer = JsonResponse(HttpStatusCode.BadGateway, RecordsUnreadable()) };
        }
        return new Fetched { Records = records };
    }

    // ---- Polling: added records ---------------------------------------------------------

    // Without a state (or with one this script did not write) it only looks up the newest
    // record and answers 202 with its $id: a new trigger starts now, with no backfill.
    private async Task<HttpResponseMessage> PollAddedAsync()
    {
        string query = RequestQuery(this.requestUrl);
        string app = QueryValue(query, "app") ?? "";
        long? state = DigitsValue(QueryValue(query, "state"));
        if (!state.HasValue)
        {
            Fetched newest = await this.FetchRecordsAsync(app, "order by $id desc limit 1", new[] { "$id" }).ConfigureAwait(false);
            return newest.Answer ?? Waiting(PollingLocation(this.incomingUrl, HighestId(newest.Records, 0).ToString()));
        }
        string since = "$id > " + state.Value + " order by $id asc limit " + PollLimit;
        Fetched fetched = await this.FetchRecordsAsync(app, since, NoFields).ConfigureAwait(false);
        if (fetched.Answer != null)
        {
            return fetched.Answer;
        }
        string location = PollingLocation(this.incomingUrl, HighestId(fetched.Records, state.Value).ToString());
        return fetched.Records.Count > 0 ? Delivered(location, fetched.Records) : Waiting(location);
    }

    private static long HighestId(JArray records, long floor)
    {
        long highest = floor;
        foreach (JToken record in records)
        {
            long? id = RecordNumber(record, "$id");
            if (id.HasValue && id.Value > highest)
            {
                highest = id.Value;
            }
        }
        return highest;
    }

    // ---- Polling: updated records -------------------------------------------------------
    // kintone compares date-times in queries by the minute (DATETIME values have no seconds;
    // the stand-in cuts the seconds off record times before comparing), so the watermark is a
    // minute: the last minute with delivered records plus $id and $revision of the records
    // delivered in it. The next call asks for ">= that minute" again and drops those: neither
    // a record updated later in the same minute is lost nor one repeated. Queries only use
    // minute-aligned literals (:00, and :59 as the minute's end), which mean the same whether
    // the server compares by the minute or by the second.

    // The state text: URL-safe (digits, "." and "-"), short for runs of consecutive ids.
    // Format: MINUTE *("." RUN), MINUTE = the 12 digits YYYYMMDDHHMM of the UTC minute,
    // RUN = STEP "-" REVISION ["-" COUNT]: COUNT (default 1) consecutive ids, all delivered at
    // REVISION, the first STEP after the previous run's last id (after 0 for the first run).
    // Example: 202405010310.101-2-100.5-3 = 03:10, ids 101-200 at revision 2, 205 at revision 3.
    internal static string EncodeUpdatedToken(UpdatedToken token)
    {
        StringBuilder text = new StringBuilder(new string(token.Time.Substring(0, 16).Where(c => c >= '0' && c <= '9').ToArray()));
        long[] ids = token.Delivered.Keys.OrderBy(id => id).ToArray();
        long previous = 0;
        int start = 0;
        while (start < ids.Length)
        {
            int end = start;
            long revision = token.Delivered[ids[start]];
            while (end + 1 < ids.Length && ids[end + 1] == ids[end] + 1 && token.Delivered[ids[end + 1]] == revision)
            {
                end++;
            }
            text.Append("." + (ids[start] - previous) + "-" + revision);
            if (end > start)
            {
                text.Append("-" + (end - start + 1));
            }
            previous = ids[end];
            start = end + 1;
        }
        return text.ToString();
    }

    // The token EncodeUpdatedToken wrote, or null for any other text.
    internal static UpdatedToken DecodeUpdatedToken(string text)
    {
        string[] parts = text.Split('.');
        if (parts[0].Length != 12 || !DigitsValue(parts[0]).HasValue)
        {
            return null;
        }
        UpdatedToken token = new UpdatedToken { Time = DecodeMinute(parts[0]) };
        long previous = 0;
        for (int i = 1; i < parts.Length; i++)
        {
            long[] run = DecodeRun(parts[i]);
            if (run == null)
            {
                return null;
            }
            long first = previous + run[0];
            previous = first + run[2] - 1;
            // Bounds keep the long from overflowing and a forged token from growing unbounded.
            if (previous > MaxId || token.Delivered.Count + run[2] > MaxDelivered)
            {
                return null;
            }
            for (long id = first; id <= previous; id++)
            {
                token.Delivered[id] = run[1];
            }
        }
        return token;
    }

    // { step, revision, count } of one run; null unless 2 or 3 numbers with step, count >= 1.
    private static long[] DecodeRun(string run)
    {
        long?[] values = run.Split('-').Select(DigitsValue).ToArray();
        if (values.Length < 2 || values.Length > 3 || values.Any(v => !v.HasValue))
        {
            return null;
        }
        long count = values.Length == 3 ? values[2].Value : 1;
        return values[0].Value >= 1 && count >= 1 ? new[] { values[0].Value, values[1].Value, count } : null;
    }

    // YYYY-MM-DDTHH:MM:00Z for 12 digits YYYYMMDDHHMM.
    private static string DecodeMinute(string stamp)
    {
        return stamp.Substring(0, 4) + "-" + stamp.Substring(4, 2) + "-" + stamp.Substring(6, 2) + "T"
            + stamp.Substring(8, 2) + ":" + stamp.Substring(10, 2) + ":00Z";
    }

    // The code of the app's UPDATED_TIME field (the first, in input order), or null.
    internal static string UpdatedTimeCode(JObject fieldsResponse)
    {
        foreach (JProperty property in AsObject(fieldsResponse["properties"]).Properties())
        {
            if (StringOf(AsObject(property.Value)["type"]) == "UPDATED_TIME")
            {
                return property.Name;
            }
        }
        return null;
    }

    // Whether record was delivered in token's minute with this revision (or a later one).
    private static bool AlreadyDelivered(JToken record, string code, UpdatedToken token)
    {
        if (RecordMinute(record, code) != token.Time)
        {
            return false;
        }
        long? id = RecordNumber(record, "$id");
        long? revision = RecordNumber(record, "$revision");
        long delivered;
        return id.HasValue && revision.HasValue && token.Delivered.TryGetValue(id.Value, out delivered)
            && revision.Value <= delivered;
    }

    private static List<JToken> Fresh(JArray records, string code, UpdatedToken token)
    {
        return records.Where(record => !AlreadyDelivered(record, code, token)).ToList();
    }

    // The token after delivering records whose last updated minute is minute.
    private static UpdatedToken Advance(UpdatedToken token, IEnumerable<JToken> records, string code, string minute)
    {
        UpdatedToken next = new UpdatedToken { Time = minute };
        if (minute == token.Time)
        {
            foreach (KeyValuePair<long, long> pair in token.Delivered)
            {
                next.Delivered[pair.Key] = pair.Value;
            }
        }
        foreach (JToken record in records)
        {
            long? id = RecordNumber(record, "$id");
            long? revision = RecordNumber(record, "$revision");
            if (RecordMinute(record, code) == minute && id.HasValue && revision.HasValue)
            {
                next.Delivered[id.Value] = revision.Value;
            }
        }
        return next;
    }

    private HttpResponseMessage UpdatedWaiting(UpdatedToken token)
    {
        return Waiting(PollingLocation(this.incomingUrl, EncodeUpdatedToken(token)));
    }

    // It first reads the form fields for the UPDATED_TIME field's code. A record added after
    // the trigger started counts as updated, as kintone sets its updated time on creation.
    private Task<HttpResponseMessage> PollUpdatedAsync()
    {
        return this.PollChangesAsync(false);
    }

    // PollUpdatedAsync, or PollStatusAsync when byStatus: one form-fields read, then records.
    private async Task<HttpResponseMessage> PollChangesAsync(bool byStatus)
    {
        string query = RequestQuery(this.requestUrl);
        string app = QueryValue(query, "app") ?? "";
        HttpResponseMessage upstream = await this.GetUpstreamAsync(KintoneUrl(this.requestUrl, FieldsPath, "app=" + app)).ConfigureAwait(false);
        if (!upstream.IsSuccessStatusCode)
        {
            return upstream;
        }
        JObject fields = ParseJsonObject(await ReadBytesAsync(upstream.Content).ConfigureAwait(false));
        if (fields == null || !(fields["properties"] is JObject))
        {
            return JsonResponse(HttpStatusCode.BadGateway, FieldsUnreadable());
        }
        string code = UpdatedTimeCode(fields);
        if (code == null)
        {
            return JsonResponse(HttpStatusCode.BadRequest, NoUpdatedTime());
        }
        string where = "";
        if (byStatus)
        {
            string statusCode = StatusFieldCode(fields);
            if (statusCode == null)
            {
                return JsonResponse(HttpStatusCode.BadRequest, NoStatus());
            }
            string wanted = QueryValue(query, "status");
            where = string.IsNullOrEmpty(wanted) ? "" : StatusCondition(statusCode, wanted);
        }
        string state = QueryValue(query, "state");
        UpdatedToken token = state == null ? null : DecodeUpdatedToken(state);
        if (token == null)
        {
            return await this.StartUpdatedAsync(app, code, where).ConfigureAwait(false);
        }
        return await this.NextUpdatedAsync(app, code, where, token).ConfigureAwait(false);
    }

    // Get Records for "[where and (condition)] order"; where is a percent-encoded condition
    // every query must also meet ("" for none), condition may be "".
    private async Task<Fetched> FetchWhereAsync(string app, string where, string condition, string order, string[] fields)
    {
        string query;
        if (where.Length == 0)
        {
            query = PercentEncode(condition.Length > 0 ? condition + " " + order : order);
        }
        else if (condition.Length > 0)
        {
            query = where + PercentEncode(" and (" + condition + ") " + order);
        }
        else
        {
            query = where + PercentEncode(" " + order);
        }
        return await this.FetchEncodedAsync(app, query, fields).ConfigureAwait(false);
    }

    // No state (or one this script did not write): 202 with the newest updated minute and the
    // records updated in it, so a new trigger starts now, with no backfill.
    private async Task<HttpResponseMessage> StartUpdatedAsync(string app, string code, string where)
    {
        string newest = "order by " + code + " desc, $id desc limit " + PollLimit;
        Fetched fetched = await this.FetchWhereAsync(app, where, "", newest, new[] { "$id", "$revision", code }).ConfigureAwait(false);
        if (fetched.Answer != null)
        {
            return fetched.Answer;
        }
        if (fetched.Records.Count == 0)
        {
            return this.UpdatedWaiting(new UpdatedToken { Time = DecodeMinute(Epoch) });
        }
        string minute = RecordMinute(fetched.Records[0], code);
        if (minute == null)
        {
            return JsonResponse(HttpStatusCode.BadGateway, TimeUnreadable());
        }
        return this.UpdatedWaiting(Advance(new UpdatedToken { Time = minute }, fetched.Records, code, minute));
    }

    // 200 with the records updated since token, or 202 with token unchanged.
    private async Task<HttpResponseMessage> NextUpdatedAsync(string app, string code, string where, UpdatedToken token)
    {
        string start = token.Time;
        string order = "order by " + code + " asc, $id asc limit " + PollLimit;
        Fetched fetched = await this.FetchWhereAsync(app, where, code + " >= \"" + start + "\"", order, NoFields).ConfigureAwait(false);
        if (fetched.Answer != null)
        {
            return fetched.Answer;
        }
        List<JToken> fresh = Fresh(fetched.Records, code, token);
        if (fresh.Count == 0 && fetched.Records.Count >= PollLimit)
        {
            // A full page of records delivered already: more than a page share the minute.
            // Seek past the highest id delivered in it (ids are ordered within one minute).
            string end = start.Substring(0, 17) + "59Z";
            long after = token.Delivered.Count > 0 ? token.Delivered.Keys.Max() : 0;
            string seek = "(" + code + " >= \"" + start + "\" and " + code + " <= \"" + end + "\" and $id > " + after + ") or "
                + code + " > \"" + end + "\"";
            fetched = await this.FetchWhereAsync(app, where, seek, order, NoFields).ConfigureAwait(false);
            if (fetched.Answer != null)
            {
                return fetched.Answer;
            }
            fresh = Fresh(fetched.Records, code, token);
        }
        if (fresh.Count == 0)
        {
            return this.UpdatedWaiting(token);
        }
        string last = RecordMinute(fresh[fresh.Count - 1], code);
        if (last == null)
        {
            return JsonResponse(HttpStatusCode.BadGateway, TimeUnreadable());
        }
        string state = EncodeUpdatedToken(Advance(token, fresh, code, last));
        return Delivered(PollingLocation(this.incomingUrl, state), fresh);
    }

    // ---- Polling: status changes --------------------------------------------------------
    // kintone keeps no status history, and a status action raises a record's $revision by 2
    // but an edit raises it too, so whether a record's status changed cannot be read from the
    // record alone. The status trigger is therefore the updated-records trigger on a narrower
    // query, with the same UpdatedToken, the same queries and the same dedupe:
    // - with a status input, every query also asks for `<Status code> in ("<status>")`, so
    //   kintone itself keeps only records now in that status (pages stay full; no client-side
    //   filter). The trigger fires when a record enters the status, and again when a record in
    //   that status is edited. The watermark moves exactly as the updated trigger's would for
    //   the filtered query, also when nothing matches (202, token advanced or unchanged).
    // - without a status input, every updated record is delivered, each with its current
    //   Status field (Get Records includes it): the updated trigger, for process management.
    // The Status field's code comes from the form fields, like UPDATED_TIME's; an app without
    // one, or with process management off (the field then has enabled: false), is a 400.

    // The code of the app's STATUS field (the first) when process management is on, or null.
    internal static string StatusFieldCode(JObject fieldsResponse)
    {
        foreach (JProperty property in AsObject(fieldsResponse["properties"]).Properties())
        {
            JObject field = AsObject(property.Value);
            JToken enabled = field["enabled"];
            if (StringOf(field["type"]) == "STATUS" && enabled != null && enabled.Type == JTokenType.Boolean && (bool)enabled)
            {
                return property.Name;
            }
        }
        return null;
    }

    // `code in ("status")` percent-encoded, for a raw (still percent-encoded) status value. The
    // status is a kintone query string: in double quotes, `"` and `\` escaped by a backslash.
    // It is worked on as bytes (both are ASCII, so no UTF-8 sequence is split), so that an
    // invalid UTF-8 value cannot be repaired differently by .NET and Python.
    internal static string StatusCondition(string code, string rawStatus)
    {
        List<byte> literal = new List<byte>();
        foreach (byte b in PercentDecode(rawStatus))
        {
            if (b == '"' || b == '\\')
            {
                literal.Add((byte)'\\');
            }
            literal.Add(b);
        }
        return PercentEncode(code + " in (\"") + PercentEncodeBytes(literal.ToArray()) + PercentEncode("\")");
    }

    // The optional status query value (empty counts as none) narrows every records query to
    // records in that status. Errors: no UPDATED_TIME field (CONNECTOR_PL01), then no enabled
    // STATUS field (CONNECTOR_PL04), both 400 and before any records query.
    private Task<HttpResponseMessage> PollStatusAsync()
    {
        return this.PollChangesAsync(true);
    }
}
