public class Script : ScriptBase
{
    public async Task<HttpResponseMessage> RunAsync()
    {
        return await this.Context.SendAsync(this.Context.Request, this.CancellationToken);
    }
}
