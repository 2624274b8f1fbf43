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
    // invalid UTF-8 value is passed on as it came instead of being repaired.
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
