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
    // ---- Long GETs ----------------------------------------------------------------------
    // kintone refuses a request URI over 8 KB ("Request URI Too Large") and runs a POST with
    // X-HTTP-Method-Override: GET as the GET, its parameters in a JSON body (kintone.dev, "Kintone
    // REST API Overview", request headers). Cybozu's @kintone/rest-api-client switches every GET
    // whose URL is longer than 4,096 characters to that form (packages/rest-api-client/src/
    // KintoneRequestConfigBuilder.ts, THRESHOLD_AVOID_REQUEST_URL_TOO_LARGE); so does the script,
    // for every GET it sends (Get records with a long query and many fields, for one).

    private const int LongGetThreshold = 4096;

    // Context.SendAsync for every request to kintone, long GETs sent as Cybozu's client sends them.
    private async Task<HttpResponseMessage> SendToKintoneAsync(HttpRequestMessage request)
    {
        return await this.Context.SendAsync(AvoidLongGet(request), this.CancellationToken).ConfigureAwait(false);
    }

    // The request itself, or, for a GET whose URL exceeds the threshold, the same request as a
    // POST to the URL without its query, with the override header and the query as JSON.
    internal static HttpRequestMessage AvoidLongGet(HttpRequestMessage request)
    {
        string url = request.RequestUri.AbsoluteUri;
        if (request.Method != HttpMethod.Get || url.Length <= LongGetThreshold)
        {
            return request;
        }
        string[] parts = SplitQuery(SplitFragment(url)[0]);
        request.Method = HttpMethod.Post;
        request.RequestUri = new Uri(parts[0]);
        request.Headers.Remove("X-HTTP-Method-Override");
        request.Headers.TryAddWithoutValidation("X-HTTP-Method-Override", "GET");
        request.Content = CreateJsonContent(QueryAsJson(parts[1]).ToString(Formatting.None));
        return request;
    }

    // A query string as the JSON object kintone reads instead: name[i] pairs make an array in
    // index order, a repeated name too; true and false become booleans (kintone's JSON takes
    // booleans for flags such as totalCount); every other value stays a string, as kintone also
    // accepts IDs and numbers given as strings.
    internal static JObject QueryAsJson(string query)
    {
        Dictionary<string, SortedDictionary<long, string>> indexed = new Dictionary<string, SortedDictionary<long, string>>();
        Dictionary<string, List<string>> plain = new Dictionary<string, List<string>>();
        List<string> order = new List<string>();
        foreach (string pair in query.Length > 0 ? query.Split('&') : new string[0])
        {
            int equals = pair.IndexOf('=');
            string name = Decoded(equals < 0 ? pair : pair.Substring(0, equals));
            string value = equals < 0 ? "" : Decoded(pair.Substring(equals + 1));
            long index;
            string arrayName = IndexedName(name, out index);
            string key = arrayName ?? name;
            if (!order.Contains(key))
            {
                order.Add(key);
            }
            if (arrayName != null)
            {
                if (!indexed.ContainsKey(key))
                {
                    indexed[key] = new SortedDictionary<long, string>();
                }
                indexed[key][index] = value;
            }
            else
            {
                if (!plain.ContainsKey(key))
                {
                    plain[key] = new List<string>();
                }
                plain[key].Add(value);
            }
        }
        JObject result = new JObject();
        foreach (string key in order)
        {
            if (indexed.ContainsKey(key))
            {
                result[key] = new JArray(indexed[key].Values.Select(v => (object)JsonValue(v)).ToArray());
            }
            else
            {
                List<string> values = plain[key];
                result[key] = values.Count == 1 ? JsonValue(values[0]) : new JArray(values.Select(v => (object)JsonValue(v)).ToArray());
            }
        }
        return result;
    }

    // A query value as kintone reads it from the URL: "+" is a space (form encoding), %XX a byte.
    private static string Decoded(string raw)
    {
        return Encoding.UTF8.GetString(PercentDecode(raw.Replace('+', ' ')));
    }

    // "fields[3]" -> "fields" with index 3; null when the name is not indexed.
    private static string IndexedName(string name, out long index)
    {
        index = 0;
        int open = name.LastIndexOf('[');
        if (open <= 0 || !name.EndsWith("]", StringComparison.Ordinal))
        {
            return null;
        }
        long? parsed = DigitsValue(name.Substring(open + 1, name.Length - open - 2));
        if (!parsed.HasValue)
        {
            return null;
        }
        index = parsed.Value;
        return name.Substring(0, open);
    }

    private static JToken JsonValue(string value)
    {
        if (value == "true" || value == "false")
        {
            return new JValue(value == "true");
        }
        return new JValue(value);
    }
}
