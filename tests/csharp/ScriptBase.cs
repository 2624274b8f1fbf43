// Minimal stand-in for the Power Platform custom-code types, so script.csx compiles with mcs.
// Shapes follow the documented contract: ScriptBase, IScriptContext, CreateJsonContent.
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Logging
{
    // The real package is absent here; the script may only reference the type.
    public interface ILogger
    {
    }
}

public interface IScriptContext
{
    string CorrelationId { get; }

    string OperationId { get; }

    HttpRequestMessage Request { get; }

    ILogger Logger { get; }

    Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken);
}

public abstract class ScriptBase
{
    // Setters exist only so the test driver can inject a context; scripts just read these.
    public IScriptContext Context { get; set; }

    public CancellationToken CancellationToken { get; set; }

    public static StringContent CreateJsonContent(string serializedJson)
    {
        return new StringContent(serializedJson, Encoding.UTF8, "application/json");
    }

    public abstract Task<HttpResponseMessage> ExecuteAsync();
}
