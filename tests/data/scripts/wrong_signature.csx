// ExecuteAsync overridden with a parameter: nothing to override (line 10).
using System;
using System.Net.Http;
using System.Threading.Tasks;

public class Script : ScriptBase
{
    // The platform calls ExecuteAsync() without arguments.

    public override async Task<HttpResponseMessage> ExecuteAsync(string operationId)
    {
        return await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
    }
}
