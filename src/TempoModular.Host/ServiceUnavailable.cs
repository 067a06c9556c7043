using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Orleans.Storage;

namespace TempoModular.Host;

/// <summary>
/// A request that needs a grain whose host has just died, or that lost a race
/// with a grain moving to another host, is answered 503 with Retry-After, never
/// 500: the cluster is about to serve it again (membership declares the dead
/// host dead within seconds and the grain reactivates from storage), and the
/// client should simply retry. Nothing was answered 200 that was not stored.
/// </summary>
internal static partial class ServiceUnavailable
{
    /// <summary>Seconds a client is asked to wait; about one membership probe round.</summary>
    private const int RetryAfterSeconds = 2;

    /// <summary>Failures that say "the cluster is changing", not "the request is wrong".</summary>
    public static bool IsClusterTransient(Exception exception) => exception is
        SiloUnavailableException
        or OrleansMessageRejectionException
        or InconsistentStateException
        or TimeoutException
        || (exception.InnerException is { } inner && IsClusterTransient(inner));

    public static IApplicationBuilder UseServiceUnavailable(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (IsClusterTransient(ex) && !context.Response.HasStarted)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServiceUnavailable));
            LogUnavailable(logger, context.Request.Path, ex.GetType().Name, ex.Message);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers.CacheControl = "no-store";
            if (context.Request.Path.StartsWithSegments("/oauth"))
            {
                // RFC 6749 §4.1.2.1: the OAuth error for a server that cannot answer now.
                await context.Response.WriteAsJsonAsync(new OAuthUnavailable("temporarily_unavailable", "The server is briefly unavailable; retry the request."));
                return;
            }

            await context.Response.WriteAsJsonAsync(new ProblemDetails
            {
                Type = "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4",
                Title = "Service Unavailable",
                Status = StatusCodes.Status503ServiceUnavailable,
                Detail = "The server is briefly unavailable; retry the request.",
                Extensions = { ["traceId"] = Activity.Current?.Id ?? context.TraceIdentifier },
            }, options: null, contentType: "application/problem+json");
        }
    });

    private sealed record OAuthUnavailable(
        [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error,
        [property: System.Text.Json.Serialization.JsonPropertyName("error_description")] string Description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} answered 503: {Exception}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, PathString path, string exception, string reason);
}
