// Compiles except for one type error (line 13).
using System;
using System.Net.Http;
using System.Threading.Tasks;

public class Script : ScriptBase
{
    public override async Task<HttpResponseMessage> ExecuteAsync()
    {
        HttpResponseMessage response = await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
        string status = response.ReasonPhrase;
        // A status is a number, not text.
        int code = status;
        response.Headers.Add("X-Status", code.ToString());
        return response;
    }
}
