// A polling answer in the certified connectors' style: the next check's Location is
// Context.OriginalRequestUri with a new state, never the forwarded request's URL.
using System;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;

public class Script : ScriptBase
{
    public override Task<HttpResponseMessage> ExecuteAsync()
    {
        UriBuilder next = new UriBuilder(this.Context.OriginalRequestUri);
        next.Query = "state=" + Uri.EscapeDataString(this.Context.Request.RequestUri.Host);
        HttpResponseMessage response = new HttpResponseMessage(HttpStatusCode.Accepted);
        response.Headers.Location = next.Uri;
        return Task.FromResult(response);
    }
}
