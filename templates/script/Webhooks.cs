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
    // It is on the connection's own address (GatewayBase), so the platform's DELETE comes back
    // through the connector with the connection's credentials; a URL on kintone's host would
    // be called without them. requestUrl is the guest-rewritten URL: a webhook of a
    // guest-space app is removed through the same guest space, so its id goes back into the
    // query where RemoveWebhook reads it.
    internal static string SubscribeLocation(string gatewayBase, string requestUrl, JObject requestBody, JObject upstreamBody, string removeWebhookPath)
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
        return gatewayBase + removeWebhookPath + "?app=" + app + "&id=" + PercentEncode(webhookId) + guest;
    }

    // The connection's own base URL: Context.OriginalRequestUri (the URL the platform was
    // called at, before policies) without the operation's path and query. Certified connectors
    // build their trigger Locations from OriginalRequestUri the same way (certified-connectors/
    // MoreApp Forms/script.csx, DocuSign/script.csx and Zellis/script.csx for webhooks;
    // SurveyMonkey/script.csx and DocuSign/script.csx for polling). forwardedUrl is the URL
    // after policies and before the guest rewrite, whose path is the operation's own; without
    // that suffix (a routing policy changed the path) only the origin is kept.
    internal static string GatewayBase(string originalUrl, string forwardedUrl)
    {
        string original = SplitQuery(SplitFragment(originalUrl)[0])[0];
        string forwarded = SplitQuery(SplitFragment(forwardedUrl)[0])[0];
        string path = forwarded.Substring(AuthorityEnd(forwarded));
        if (path.Length > 0 && original.EndsWith(path, StringComparison.Ordinal) && original.Length - path.Length >= AuthorityEnd(original))
        {
            return original.Substring(0, original.Length - path.Length);
        }
        return original.Substring(0, AuthorityEnd(original));
    }
}
