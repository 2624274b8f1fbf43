// Stand-in for the Power Platform custom-code types, so a connector's script.csx compiles with
// mcs and runs under mono. Shapes follow Microsoft's documented contract (ScriptBase,
// IScriptContext, CreateJsonContent, ILogger); compiled into ScriptBase.dll on its own, so a
// script sees exactly these public members and nothing of the host.
using System;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

// Only the host may set Context and CancellationToken, as on the platform.
[assembly: InternalsVisibleTo("ScriptHost")]

namespace Microsoft.Extensions.Logging
{
    public enum LogLevel
    {
        Trace = 0,
        Debug = 1,
        Information = 2,
        Warning = 3,
        Error = 4,
        Critical = 5,
        None = 6,
    }

    public struct EventId
    {
        public EventId(int id, string name = null)
        {
            this.Id = id;
            this.Name = name;
        }

        public int Id { get; private set; }

        public string Name { get; private set; }

        public static implicit operator EventId(int id)
        {
            return new EventId(id);
        }
    }

    public interface ILogger
    {
        void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception exception, Func<TState, Exception, string> formatter);

        bool IsEnabled(LogLevel logLevel);

        IDisposable BeginScope<TState>(TState state);
    }

    // The extension methods scripts call (LogInformation and friends), as in the real package.
    public static class LoggerExtensions
    {
        public static void Log(this ILogger logger, LogLevel logLevel, string message, params object[] args)
        {
            Write(logger, logLevel, null, message, args);
        }

        public static void Log(this ILogger logger, LogLevel logLevel, Exception exception, string message, params object[] args)
        {
            Write(logger, logLevel, exception, message, args);
        }

        public static void LogTrace(this ILogger logger, string message, params object[] args)
        {
            Write(logger, LogLevel.Trace, null, message, args);
        }

        public static void LogDebug(this ILogger logger, string message, params object[] args)
        {
            Write(logger, LogLevel.Debug, null, message, args);
        }

        public static void LogInformation(this ILogger logger, string message, params object[] args)
        {
            Write(logger, LogLevel.Information, null, message, args);
        }

        public static void LogWarning(this ILogger logger, string message, params object[] args)
        {
            Write(logger, LogLevel.Warning, null, message, args);
        }

        public static void LogError(this ILogger logger, string message, params object[] args)
        {
            Write(logger, LogLevel.Error, null, message, args);
        }

        public static void LogError(this ILogger logger, Exception exception, string message, params object[] args)
        {
            Write(logger, LogLevel.Error, exception, message, args);
        }

        public static void LogCritical(this ILogger logger, string message, params object[] args)
        {
            Write(logger, LogLevel.Critical, null, message, args);
        }

        public static void LogCritical(this ILogger logger, Exception exception, string message, params object[] args)
        {
            Write(logger, LogLevel.Critical, exception, message, args);
        }

        public static IDisposable BeginScope(this ILogger logger, string messageFormat, params object[] args)
        {
            return logger.BeginScope(Format(messageFormat, args));
        }

        private static void Write(ILogger logger, LogLevel level, Exception exception, string message, object[] args)
        {
            logger.Log(level, new EventId(0), Format(message, args), exception, (state, error) => state);
        }

        // Named placeholders ("{RecordId}") take the arguments in order, like the real formatter.
        internal static string Format(string message, object[] args)
        {
            if (message == null || args == null || args.Length == 0)
            {
                return message ?? "";
            }
            StringBuilder result = new StringBuilder();
            int next = 0;
            int position = 0;
            while (position < message.Length)
            {
                int open = message.IndexOf('{', position);
                int close = open < 0 ? -1 : message.IndexOf('}', open);
                if (open < 0 || close < 0 || next >= args.Length)
                {
                    result.Append(message.Substring(position));
                    break;
                }
                result.Append(message, position, open - position);
                result.Append(args[next] == null ? "(null)" : args[next].ToString());
                next++;
                position = close + 1;
            }
            return result.ToString();
        }
    }
}

public interface IScriptContext
{
    string CorrelationId { get; }

    string OperationId { get; }

    HttpRequestMessage Request { get; }

    // The URL the platform was called at, before policies: the connection's own address. Not
    // in Learn's listing of IScriptContext ("Write code in a custom connector"), but certified
    // scripts compile against it and build trigger Locations from it (SurveyMonkey, DocuSign,
    // Zellis, MoreApp Forms: certified-connectors/<name>/script.csx).
    Uri OriginalRequestUri { get; }

    ILogger Logger { get; }

    Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken);
}

public abstract class ScriptBase
{
    public IScriptContext Context { get; internal set; }

    public CancellationToken CancellationToken { get; internal set; }

    public static StringContent CreateJsonContent(string serializedJson)
    {
        return new StringContent(serializedJson, Encoding.UTF8, "application/json");
    }

    public abstract Task<HttpResponseMessage> ExecuteAsync();
}
