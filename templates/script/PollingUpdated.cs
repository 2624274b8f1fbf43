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
        return Waiting(this.NextCheckLocation(EncodeUpdatedToken(token)));
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
        return Delivered(this.NextCheckLocation(state), fresh);
    }
}
