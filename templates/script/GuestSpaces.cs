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
}
