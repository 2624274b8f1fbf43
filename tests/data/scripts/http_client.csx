// Sends with its own HttpClient instead of Context.SendAsync (line 12): compiles, CODE-03 flags it.
using System;
using System.Net.Http;
using System.Threading.Tasks;

public class Script : ScriptBase
{
    public override async Task<HttpResponseMessage> ExecuteAsync()
    {
        // "new HttpClient()" in a comment or a string is not a finding.
        string note = "new HttpClient()";
        using (HttpClient client = new HttpClient())
        {
            this.Context.Request.Headers.Add("X-Note", note);
            return await client.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
        }
    }
}
