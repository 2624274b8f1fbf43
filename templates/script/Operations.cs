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
    // ---- Operations ---------------------------------------------------------------------

    private async Task<HttpResponseMessage> GetRecordSchemaAsync()
    {
        HttpRequestMessage request = this.Context.Request;
        string requestUrl = request.RequestUri.AbsoluteUri;
        // The incoming request is reused so its (normalized) authentication headers go along.
        request.Method = HttpMethod.Get;
        request.RequestUri = new Uri(RecordSchemaUpstreamUrl(requestUrl, FieldsPath));
        HttpResponseMessage upstream = await this.SendToKintoneAsync(request).ConfigureAwait(false);
        if (!upstream.IsSuccessStatusCode)
        {
            return upstream;
        }
        JObject fields = ParseJsonObject(await ReadBytesAsync(upstream.Content).ConfigureAwait(false));
        if (fields == null || !(fields["properties"] is JObject))
        {
            return JsonResponse(HttpStatusCode.BadGateway, FieldsUnreadable());
        }
        return JsonResponse(HttpStatusCode.OK, RecordSchema(fields, SchemaMode(requestUrl)));
    }

    private async Task<HttpResponseMessage> SubscribeAsync()
    {
        HttpRequestMessage request = this.Context.Request;
        string requestUrl = request.RequestUri.AbsoluteUri;
        // Reading buffers the content, so the same request can still be forwarded as it is.
        JObject requestBody = ParseJsonObject(await ReadBytesAsync(request.Content).ConfigureAwait(false)) ?? new JObject();
        HttpResponseMessage upstream = await this.SendToKintoneAsync(request).ConfigureAwait(false);
        if (!upstream.IsSuccessStatusCode)
        {
            return upstream;
        }
        // kintone's integration endpoint is undocumented: a Location it sends is kept as it
        // is; only without one is a Location built from the webhook id in its body.
        if (upstream.Headers.Location != null)
        {
            upstream.StatusCode = HttpStatusCode.Created;
            return upstream;
        }
        JObject upstreamBody = ParseJsonObject(await ReadBytesAsync(upstream.Content).ConfigureAwait(false)) ?? new JObject();
        string gatewayBase = GatewayBase(this.Context.OriginalRequestUri.AbsoluteUri, this.incomingUrl);
        string location = SubscribeLocation(gatewayBase, requestUrl, requestBody, upstreamBody, RemoveWebhookPath);
        if (location == null)
        {
            return JsonResponse(HttpStatusCode.BadGateway, WebhookIdMissing());
        }
        // The platform sends DELETE to Location when the flow's trigger goes away.
        upstream.StatusCode = HttpStatusCode.Created;
        upstream.Headers.Location = new Uri(location);
        return upstream;
    }

    private async Task<HttpResponseMessage> ForwardIndexedAsync(string[] parameters)
    {
        HttpRequestMessage request = this.Context.Request;
        request.RequestUri = new Uri(IndexedQuery(request.RequestUri.AbsoluteUri, parameters));
        return await this.SendToKintoneAsync(request).ConfigureAwait(false);
    }
}
