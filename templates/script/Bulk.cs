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
        HttpResponseMessage upstream = await this.SendToKintoneAsync(request).ConfigureAwait(false);
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
        return await this.SendToKintoneAsync(request).ConfigureAwait(false);
    }
}
