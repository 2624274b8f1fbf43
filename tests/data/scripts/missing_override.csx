// ExecuteAsync without "override": the platform's abstract member stays unimplemented.
using System.Net.Http;
using System.Threading.Tasks;


public class Script : ScriptBase
{
    public async Task<HttpResponseMessage> ExecuteAsync()
    {
        return await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
    }
}
