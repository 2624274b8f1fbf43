// Test driver: runs Script.ExecuteAsync once against a canned upstream answer and prints what
// happened as one JSON object, so tests can compare it with generator/customcode.py.
// Usage: driver.exe OPERATION METHOD URL REQUEST_BODY_FILE|- UPSTREAM_STATUS UPSTREAM_BODY_FILE|-
using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

public class FakeContext : IScriptContext
{
    public string CorrelationId { get; set; }

    public string OperationId { get; set; }

    public HttpRequestMessage Request { get; set; }

    public ILogger Logger { get; set; }

    public int UpstreamStatus { get; set; }

    public byte[] UpstreamBody { get; set; }

    public JObject Sent { get; set; }

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[] body = request.Content == null ? new byte[0] : await request.Content.ReadAsByteArrayAsync();
        this.Sent = new JObject
        {
            { "method", request.Method.Method },
            { "url", request.RequestUri.AbsoluteUri },
            { "body_base64", Convert.ToBase64String(body) },
        };
        HttpResponseMessage response = new HttpResponseMessage((HttpStatusCode)this.UpstreamStatus);
        response.Content = new ByteArrayContent(this.UpstreamBody);
        response.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return response;
    }
}

public static class Driver
{
    private static byte[] ReadInput(string path)
    {
        return path == "-" ? new byte[0] : File.ReadAllBytes(path);
    }

    public static int Main(string[] args)
    {
        if (args.Length != 6)
        {
            Console.Error.WriteLine("usage: driver.exe OPERATION METHOD URL REQUEST_BODY UPSTREAM_STATUS UPSTREAM_BODY");
            return 2;
        }
        HttpRequestMessage request = new HttpRequestMessage(new HttpMethod(args[1]), new Uri(args[2]));
        if (args[3] != "-")
        {
            request.Content = new ByteArrayContent(ReadInput(args[3]));
        }
        request.Headers.TryAddWithoutValidation("X-Cybozu-API-Token", "test-token");
        FakeContext context = new FakeContext
        {
            CorrelationId = "test",
            OperationId = args[0],
            Request = request,
            UpstreamStatus = int.Parse(args[4]),
            UpstreamBody = ReadInput(args[5]),
        };
        Script script = new Script { Context = context, CancellationToken = CancellationToken.None };
        HttpResponseMessage response = script.ExecuteAsync().Result;
        byte[] body = response.Content == null ? new byte[0] : response.Content.ReadAsByteArrayAsync().Result;
        JObject result = new JObject
        {
            { "sent", context.Sent },
            { "sent_token", request.Headers.Contains("X-Cybozu-API-Token") },
            { "status", (int)response.StatusCode },
            { "location", response.Headers.Location == null ? "" : response.Headers.Location.OriginalString },
            { "content_type", response.Content == null || response.Content.Headers.ContentType == null ? "" : response.Content.Headers.ContentType.ToString() },
            { "body_base64", Convert.ToBase64String(body) },
        };
        Console.Out.Write(result.ToString(Formatting.None));
        return 0;
    }
}
