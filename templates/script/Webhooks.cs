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
}
