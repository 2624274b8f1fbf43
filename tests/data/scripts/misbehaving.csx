// Misbehaves on purpose, one operation per way: throws, returns null, logs and prints, spins, exits.
using System;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

public class Script : ScriptBase
{
    public override async Task<HttpResponseMessage> ExecuteAsync()
    {
        switch (this.Context.OperationId)
        {
            case "Throw":
                throw new ArgumentException("thrown on purpose");
            case "Null":
                return null;
            case "Log":
                Console.WriteLine("printed by the script; must not reach the protocol");
                this.Context.Logger.LogInformation("operation {Operation} for app {App}", this.Context.OperationId, 5);
                return new HttpResponseMessage(HttpStatusCode.Accepted);
            case "Exit":
                Environment.Exit(7);
                return null;
            case "Spin":
                while (true)
                {
                }
            default:
                return await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
        }
    }
}
