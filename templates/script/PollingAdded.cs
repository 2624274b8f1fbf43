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
            return newest.Answer ?? Waiting(this.NextCheckLocation(HighestId(newest.Records, 0).ToString()));
        }
        string since = "$id > " + state.Value + " order by $id asc limit " + PollLimit;
        Fetched fetched = await this.FetchRecordsAsync(app, since, NoFields).ConfigureAwait(false);
        if (fetched.Answer != null)
        {
            return fetched.Answer;
        }
        string location = this.NextCheckLocation(HighestId(fetched.Records, state.Value).ToString());
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
}
