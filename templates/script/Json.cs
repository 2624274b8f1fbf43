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
}
