// A namespace that is neither installed here nor allowed on the platform (line 6).
using System;
using System.Net.Http;
using System.Threading.Tasks;

using Contoso.Internal;

public class Script : ScriptBase
{
    public override async Task<HttpResponseMessage> ExecuteAsync()
    {
        return await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
    }
}
