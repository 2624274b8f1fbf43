// Runs a compiled script.csx (Script.dll) the way the platform would, one request at a time.
// Protocol: one JSON object per line on stdin, one JSON object per line on stdout.
//   request:  {"operationId", "method", "url", "originalUrl": null | url,
//              "headers": [[name, value], ...], "body": base64,
//              "canned": null | [{"status", "headers", "body"}, ...], "timeoutMs": int (0: none)}
//   response: {"status", "headers", "body", "elapsedMs", "sent": [...], "logs": [...],
//              "error": null | {"type", "message"}, "fatal": bool}
// canned == null: Context.SendAsync really sends over HTTP; otherwise it answers from canned,
// in order, and never touches the network. originalUrl is Context.OriginalRequestUri, the URL the
// platform was called at (the connection's own address) before policies; null: the request URL.
// Usage: mono ScriptHost.exe path/to/Script.dll
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace KintoneConnector.ScriptHost
{
    // Framing headers are recomputed by HttpClient; Host follows the URL.
    internal static class Headers
    {
        private static readonly HashSet<string> Dropped = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Host", "Content-Length", "Transfer-Encoding", "Connection",
        };

        public static bool IsDropped(string name)
        {
            return Dropped.Contains(name);
        }

        public static void Apply(HttpRequestMessage request, JArray headers)
        {
            foreach (JToken pair in headers ?? new JArray())
            {
                string name = (string)pair[0];
                string value = (string)pair[1];
                if (IsDropped(name) || request.Headers.TryAddWithoutValidation(name, value))
                {
                    continue;
                }
                // Content-Type and friends live on the content, which a bodiless request lacks.
                if (request.Content == null)
                {
                    request.Content = new ByteArrayContent(new byte[0]);
                }
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        public static void Apply(HttpResponseMessage response, JArray headers)
        {
            foreach (JToken pair in headers ?? new JArray())
            {
                string name = (string)pair[0];
                string value = (string)pair[1];
                if (!IsDropped(name) && !response.Headers.TryAddWithoutValidation(name, value))
                {
                    response.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }
        }

        // ToString joins a header's values with the separator that header uses ("a, b" but
        // "Server: x y"); Set-Cookie values cannot be joined, so they stay one pair each.
        public static JArray Collect(HttpHeaders headers, JArray into, bool skipLocation = false)
        {
            foreach (string line in headers.ToString().Split(new[] { "\r\n" }, StringSplitOptions.RemoveEmptyEntries))
            {
                int colon = line.IndexOf(':');
                string name = line.Substring(0, colon);
                bool skipped = IsDropped(name) || (skipLocation && name == "Location");
                if (skipped || name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                into.Add(new JArray(name, line.Substring(colon + 1).Trim()));
            }
            IEnumerable<string> cookies;
            if (headers.TryGetValues("Set-Cookie", out cookies))
            {
                foreach (string cookie in cookies)
                {
                    into.Add(new JArray("Set-Cookie", cookie));
                }
            }
            return into;
        }

        public static JArray Collect(HttpResponseMessage response)
        {
            JArray result = new JArray();
            // Headers.Location may be re-rendered from the Uri; report the text the script set.
            if (response.Headers.Location != null)
            {
                result.Add(new JArray("Location", response.Headers.Location.OriginalString));
            }
            Collect(response.Headers, result, true);
            return response.Content == null ? result : Collect(response.Content.Headers, result);
        }
    }

    internal sealed class CollectingLogger : ILogger
    {
        public readonly JArray Lines = new JArray();

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception exception, Func<TState, Exception, string> formatter)
        {
            string text = formatter != null ? formatter(state, exception) : Convert.ToString(state);
            lock (this.Lines)
            {
                this.Lines.Add(logLevel + ": " + text + (exception == null ? "" : " | " + exception.Message));
            }
        }

        public bool IsEnabled(LogLevel logLevel)
        {
            return true;
        }

        public IDisposable BeginScope<TState>(TState state)
        {
            return new MemoryStream();
        }
    }

    internal sealed class HostContext : IScriptContext
    {
        // One client for the process, as HttpClient is meant to be used.
        private static readonly HttpClient Client = CreateClient();

        private readonly Queue<JObject> canned;

        public readonly JArray Sent = new JArray();

        public HostContext(JObject input, HttpRequestMessage request, CollectingLogger logger)
        {
            this.CorrelationId = Guid.NewGuid().ToString();
            this.OperationId = (string)input["operationId"];
            this.Request = request;
            string original = (string)input["originalUrl"];
            this.OriginalRequestUri = original == null ? request.RequestUri : new Uri(original);
            this.Logger = logger;
            JArray cannedList = input["canned"] as JArray;
            this.canned = cannedList == null ? null : new Queue<JObject>(cannedList.Cast<JObject>());
        }

        public string CorrelationId { get; private set; }

        public string OperationId { get; private set; }

        public HttpRequestMessage Request { get; private set; }

        public Uri OriginalRequestUri { get; private set; }

        public ILogger Logger { get; private set; }

        private static HttpClient CreateClient()
        {
            // The script must see kintone's own answers: no redirects, cookies, proxies or gzip.
            HttpClientHandler handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                AutomaticDecompression = DecompressionMethods.None,
            };
            ExtraTrust.Apply(handler);
            HttpClient client = new HttpClient(handler);
            client.Timeout = Timeout.InfiniteTimeSpan;
            // mono would otherwise wait for "100 Continue" before sending a POST body.
            client.DefaultRequestHeaders.ExpectContinue = false;
            return client;
        }

        public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            byte[] body = request.Content == null ? new byte[0] : await request.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            JArray headers = Headers.Collect(request.Headers, new JArray());
            if (request.Content != null)
            {
                Headers.Collect(request.Content.Headers, headers);
            }
            lock (this.Sent)
            {
                this.Sent.Add(new JObject
                {
                    { "method", request.Method.Method },
                    { "url", request.RequestUri.AbsoluteUri },
                    { "headers", headers },
                    { "body", Convert.ToBase64String(body) },
                });
            }
            if (this.canned == null)
            {
                return await Client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            }
            return this.NextCanned();
        }

        private HttpResponseMessage NextCanned()
        {
            JObject answer;
            lock (this.canned)
            {
                if (this.canned.Count == 0)
                {
                    throw new InvalidOperationException("the script sent more requests than there are canned responses");
                }
                answer = this.canned.Dequeue();
            }
            HttpResponseMessage response = new HttpResponseMessage((HttpStatusCode)(int)answer["status"]);
            response.Content = new ByteArrayContent(Convert.FromBase64String((string)answer["body"] ?? ""));
            Headers.Apply(response, answer["headers"] as JArray);
            return response;
        }
    }

    // A local stand-in serves TLS with a throwaway CA; the host trusts it only when told to.
    internal static class ExtraTrust
    {
        public const string Variable = "KINTONE_CONNECTOR_CA_FILE";

        private static X509Certificate2 ca;

        public static void Install(string caFile)
        {
            if (!string.IsNullOrEmpty(caFile))
            {
                ca = new X509Certificate2(ReadPem(caFile));
            }
        }

        // For HttpClientHandler.ServerCertificateCustomValidationCallback (mono's handler
        // ignores ServicePointManager's callback).
        public static void Apply(HttpClientHandler handler)
        {
            X509Certificate2 trusted = ca;
            if (trusted != null)
            {
                handler.ServerCertificateCustomValidationCallback =
                    (message, certificate, chain, errors) => errors == SslPolicyErrors.None || SignedBy(certificate, trusted, errors);
            }
        }

        private static bool SignedBy(X509Certificate certificate, X509Certificate2 ca, SslPolicyErrors errors)
        {
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || certificate == null)
            {
                return false;
            }
            X509Chain chain = new X509Chain();
            chain.ChainPolicy.ExtraStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
            if (!chain.Build(new X509Certificate2(certificate)))
            {
                return false;
            }
            X509ChainElement root = chain.ChainElements[chain.ChainElements.Count - 1];
            return root.Certificate.Thumbprint == ca.Thumbprint;
        }

        private static byte[] ReadPem(string path)
        {
            string text = File.ReadAllText(path);
            const string Begin = "-----BEGIN CERTIFICATE-----";
            int start = text.IndexOf(Begin, StringComparison.Ordinal);
            int end = text.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal);
            if (start < 0 || end < start)
            {
                return File.ReadAllBytes(path);
            }
            return Convert.FromBase64String(text.Substring(start + Begin.Length, end - start - Begin.Length));
        }
    }

    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length != 1)
            {
                Console.Error.WriteLine("usage: mono ScriptHost.exe Script.dll");
                return 2;
            }
            ServicePointManager.Expect100Continue = false;
            ExtraTrust.Install(Environment.GetEnvironmentVariable(ExtraTrust.Variable));
            Type scriptType = FindScript(Assembly.LoadFrom(args[0]));
            TextReader input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
            TextWriter output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false));
            // Whatever the script prints goes to stderr; stdout carries only the protocol.
            Console.SetOut(Console.Error);
            string line;
            while ((line = input.ReadLine()) != null)
            {
                if (line.Trim().Length == 0)
                {
                    continue;
                }
                JObject result = RunOne(scriptType, line);
                output.WriteLine(result.ToString(Formatting.None));
                output.Flush();
                if ((bool)result["fatal"])
                {
                    // A timed-out script may still be running; only a new process is clean.
                    return 3;
                }
            }
            return 0;
        }

        private static Type FindScript(Assembly assembly)
        {
            Type type = assembly.GetType("Script");
            if (type == null || !typeof(ScriptBase).IsAssignableFrom(type))
            {
                type = assembly.GetTypes().FirstOrDefault(t => t.Name == "Script" && typeof(ScriptBase).IsAssignableFrom(t));
            }
            if (type == null)
            {
                throw new InvalidOperationException("no class Script : ScriptBase in " + assembly.Location);
            }
            return type;
        }

        private static HttpRequestMessage BuildRequest(JObject input)
        {
            HttpRequestMessage request = new HttpRequestMessage(new HttpMethod((string)input["method"]), new Uri((string)input["url"]));
            byte[] body = Convert.FromBase64String((string)input["body"] ?? "");
            if (body.Length > 0)
            {
                request.Content = new ByteArrayContent(body);
            }
            Headers.Apply(request, input["headers"] as JArray);
            return request;
        }

        private static JObject RunOne(Type scriptType, string line)
        {
            JObject result = new JObject { { "fatal", false }, { "error", null }, { "sent", new JArray() }, { "logs", new JArray() } };
            try
            {
                JObject input = JObject.Parse(line);
                CollectingLogger logger = new CollectingLogger();
                HostContext context = new HostContext(input, BuildRequest(input), logger);
                result["sent"] = context.Sent;
                result["logs"] = logger.Lines;
                Execute(scriptType, context, (int?)input["timeoutMs"] ?? 0, result);
            }
            catch (Exception exception)
            {
                result["error"] = Describe(exception);
            }
            return result;
        }

        private static void Execute(Type scriptType, HostContext context, int timeoutMs, JObject result)
        {
            CancellationTokenSource cancel = timeoutMs > 0 ? new CancellationTokenSource(timeoutMs) : new CancellationTokenSource();
            ScriptBase script = (ScriptBase)Activator.CreateInstance(scriptType);
            script.Context = context;
            script.CancellationToken = cancel.Token;
            Stopwatch clock = Stopwatch.StartNew();
            // Task.Run: even a script that blocks before its first await cannot stall the host.
            Task<HttpResponseMessage> task = Task.Run(() => script.ExecuteAsync());
            bool finished = ((IAsyncResult)task).AsyncWaitHandle.WaitOne(timeoutMs > 0 ? timeoutMs : Timeout.Infinite);
            result["elapsedMs"] = clock.Elapsed.TotalMilliseconds;
            if (!finished)
            {
                result["error"] = new JObject { { "type", "timeout" }, { "message", "ExecuteAsync did not finish within " + timeoutMs + " ms" } };
                result["fatal"] = true;
                return;
            }
            if (task.IsFaulted || task.IsCanceled)
            {
                result["error"] = Describe(task.Exception != null ? (Exception)task.Exception : new TaskCanceledException(task));
                return;
            }
            WriteResponse(task.Result, result);
        }

        private static void WriteResponse(HttpResponseMessage response, JObject result)
        {
            if (response == null)
            {
                result["error"] = new JObject { { "type", "null" }, { "message", "ExecuteAsync returned null" } };
                return;
            }
            byte[] body = response.Content == null ? new byte[0] : response.Content.ReadAsByteArrayAsync().Result;
            result["status"] = (int)response.StatusCode;
            result["headers"] = Headers.Collect(response);
            result["body"] = Convert.ToBase64String(body);
        }

        private static JObject Describe(Exception exception)
        {
            AggregateException aggregate = exception as AggregateException;
            Exception inner = aggregate != null && aggregate.InnerExceptions.Count == 1 ? aggregate.InnerException : exception;
            return new JObject { { "type", inner.GetType().FullName }, { "message", inner.Message }, { "detail", inner.ToString() } };
        }
    }
}
