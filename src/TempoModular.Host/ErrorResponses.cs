using System.Net;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using TempoModular.Storage;

namespace TempoModular.Host;

/// <summary>
/// Failures are answered once, here at the edge: an RFC 9457 problem (with the
/// trace id) everywhere except on the OAuth endpoints, which keep OAuth error
/// bodies (RFC 6749 §5.2). A database that cannot commit is 503 with
/// Retry-After (OAuth: temporarily_unavailable); anything else is 500. The
/// stack trace goes to the log, never into the response.
/// </summary>
internal static partial class ErrorResponses
{
    public static IServiceCollection AddTempoErrorResponses(this IServiceCollection services)
    {
        // The default writer adds "traceId" to every problem body.
        services.AddProblemDetails();
        services.AddExceptionHandler<EdgeExceptionHandler>();
        return services;
    }

    public static IApplicationBuilder UseTempoErrorResponses(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        // Error statuses written without a body (a binding failure's bare 400, a
        // 404, a 405) get a problem body too.
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>The token, revocation and introspection endpoints, where clients parse OAuth error bodies.</summary>
    internal static bool IsOAuthEndpoint(PathString path) =>
        path.StartsWithSegments("/oauth/token", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/oauth/revoke", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/oauth/revoke_token", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/oauth/introspect", StringComparison.OrdinalIgnoreCase);

    /// <summary>An OAuth error body (RFC 6749 §5.2) with the headers §5.1 requires of token responses.</summary>
    internal static Task WriteOAuthErrorAsync(HttpContext context, int status, string error, string description)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        return context.Response.WriteAsJsonAsync(new OAuthError(error, description));
    }

    internal sealed record OAuthError(
        [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error,
        [property: System.Text.Json.Serialization.JsonPropertyName("error_description")] string Description);

    private sealed partial class EdgeExceptionHandler(IProblemDetailsService problems, ILogger<EdgeExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            // A request the framework could not bind (thrown rather than answered
            // in Development): the client's mistake, its message names the parameter.
            if (exception is BadHttpRequestException badRequest)
            {
                LogBadRequest(logger, context.Request.Method, context.Request.Path, badRequest.Message);
                context.Response.StatusCode = badRequest.StatusCode;
                return await problems.TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails { Status = badRequest.StatusCode, Title = "Bad request", Detail = badRequest.Message },
                });
            }

            // The exception handler middleware does not log an exception a handler
            // took, so this is the one place it is logged (with its stack trace).
            // The same id the problem body and the error page show.
            var traceId = TraceId(context);
            var clusterChanging = ClusterFaults.IsClusterTransient(exception);
            var unavailable = clusterChanging || StorageFaults.IsStorageFault(exception);
            if (clusterChanging)
            {
                LogClusterFault(logger, context.Request.Method, context.Request.Path, traceId, exception.GetType().Name, exception.Message);
                context.Response.Headers.RetryAfter = StorageFaults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (unavailable)
            {
                LogStorageFault(logger, context.Request.Method, context.Request.Path, traceId, exception);
                context.Response.Headers.RetryAfter = StorageFaults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                LogUnexpected(logger, context.Request.Method, context.Request.Path, traceId, exception);
            }

            var status = unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
            if (IsOAuthEndpoint(context.Request.Path))
            {
                await WriteOAuthErrorAsync(context, status,
                    unavailable ? "temporarily_unavailable" : "server_error",
                    unavailable ? "The server cannot answer this right now; retry after the Retry-After delay." : "The server failed to handle the request.");
                return true;
            }

            var problem = new ProblemDetails
            {
                Status = status,
                Title = clusterChanging ? "Service unavailable" : unavailable ? "Storage unavailable" : "Unexpected error",
                Detail = clusterChanging
                    ? "Part of the cluster is briefly unavailable; nothing was changed. Retry after the Retry-After delay."
                    : unavailable
                    ? "The database cannot take writes right now; nothing was changed. Retry after the Retry-After delay."
                    : "The server failed to handle the request. The trace id identifies it in the server's log.",
            };
            context.Response.StatusCode = status;
            if (WantsPage(context.Request))
            {
                await WritePageAsync(context, problem);
                return true;
            }

            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
        }

        // A browser navigating to a page gets a page; htmx, scripts and API
        // clients get the problem document.
        private static bool WantsPage(HttpRequest request) =>
            !request.Headers.ContainsKey("HX-Request")
            && request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

        private static Task WritePageAsync(HttpContext context, ProblemDetails problem)
        {
            var traceId = TraceId(context);
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers[HeaderNames.CacheControl] = "no-store";
            return context.Response.WriteAsync($"""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>{WebUtility.HtmlEncode(problem.Title)}</title><link rel="stylesheet" href="/css/site.css"></head>
                <body><main><h1>{WebUtility.HtmlEncode(problem.Title)}</h1><p>{WebUtility.HtmlEncode(problem.Detail)}</p>
                <p>Trace id: <code>{WebUtility.HtmlEncode(traceId)}</code></p></main></body></html>
                """);
        }

        // As ASP.NET Core's problem details writer picks it.
        private static string TraceId(HttpContext context) => System.Diagnostics.Activity.Current?.Id ?? context.TraceIdentifier;

        [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path} answered a bad request: {Reason}")]
        private static partial void LogBadRequest(ILogger logger, string method, string path, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503 while the cluster changes (trace id {TraceId}): {Exception}: {Reason}")]
        private static partial void LogClusterFault(ILogger logger, string method, string path, string traceId, string exception, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503 (trace id {TraceId}): the database cannot commit")]
        private static partial void LogStorageFault(ILogger logger, string method, string path, string traceId, Exception exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed with an unhandled exception (trace id {TraceId})")]
        private static partial void LogUnexpected(ILogger logger, string method, string path, string traceId, Exception exception);
    }
}
