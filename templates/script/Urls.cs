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
    // Bytes, not text, so that invalid UTF-8 is passed on as it came instead of being repaired.
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
}
