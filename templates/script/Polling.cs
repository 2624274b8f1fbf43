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

    // The next check's URL: the URL the platform called (Context.OriginalRequestUri, the
    // connection's own address, as SurveyMonkey's and DocuSign's certified scripts build it),
    // so the platform's next GET comes back through the connector with the connection's
    // credentials. A URL on kintone's host would be called without them.
    private string NextCheckLocation(string state)
    {
        return PollingLocation(this.Context.OriginalRequestUri.AbsoluteUri, state);
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
        return await this.SendToKintoneAsync(request).ConfigureAwait(false);
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
}
