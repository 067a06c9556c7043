using System.Net.Http.Headers;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TempoModular.Storage;

namespace TempoModular.Host;

/// <summary>One token bucket: how many requests a second on average, and how many at once.</summary>
internal sealed class TokenBucket
{
    public int PermitsPerSecond { get; set; }

    public int Burst { get; set; }
}

/// <summary>Ceilings on the token, revocation and introspection endpoints: the "RateLimits:OAuth" section.</summary>
internal sealed class OAuthRateLimitOptions
{
    public const string Section = "RateLimits:OAuth";

    /// <summary>Per client id (from HTTP Basic or the form), so one runaway integration cannot take the host's whole capacity.</summary>
    public TokenBucket PerClientId { get; set; } = new() { PermitsPerSecond = 2000, Burst = 4000 };

    /// <summary>Per source address (IPv6: per /64), across client ids, so made-up client ids do not escape the limit.</summary>
    public TokenBucket PerSource { get; set; } = new() { PermitsPerSecond = 5000, Burst = 10000 };
}

/// <summary>
/// Rate limits in front of the OAuth endpoints (System.Threading.RateLimiting
/// token buckets, per client id and per source address). A refused request is
/// 429 with Retry-After and an OAuth error body, before OpenIddict or any grain
/// sees it. The defaults sit above what one host can issue, so they stop
/// runaway clients without touching well-behaved ones; tighten them per
/// deployment.
/// </summary>
internal static class OAuthRateLimits
{
    public static IServiceCollection AddOAuthRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<OAuthRateLimitOptions>(configuration.GetSection(OAuthRateLimitOptions.Section));
        services.AddSingleton(sp => Create(sp.GetRequiredService<IOptions<OAuthRateLimitOptions>>().Value));
        return services;
    }

    public static IApplicationBuilder UseOAuthRateLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !ErrorResponses.IsOAuthEndpoint(context.Request.Path))
        {
            await next();
            return;
        }

        var limiters = context.RequestServices.GetRequiredService<OAuthLimiters>();
        var caller = new OAuthCaller(await ClientIdAsync(context.Request), TempoModular.Identity.SignInThrottle.SourceKey(context.Connection.RemoteIpAddress));
        // Source first, then client id (what a chained limiter does), one at a
        // time so the rejection metric can say which limit refused.
        using var bySource = limiters.PerSource.AttemptAcquire(caller);
        using var byClient = bySource.IsAcquired ? limiters.PerClientId.AttemptAcquire(caller) : null;
        if ((byClient ?? bySource) is { IsAcquired: false } lease)
        {
            TempoMeter.RateLimitRejections.Add(1, byClient is null ? TempoMeter.Limiters.OAuthPerSource : TempoMeter.Limiters.OAuthPerClientId);
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ErrorResponses.WriteOAuthErrorAsync(context, StatusCodes.Status429TooManyRequests, "temporarily_unavailable",
                "Too many requests; retry after the Retry-After delay.");
            return;
        }

        await next();
    });

    internal readonly record struct OAuthCaller(string? ClientId, string Source);

    internal sealed record OAuthLimiters(PartitionedRateLimiter<OAuthCaller> PerSource, PartitionedRateLimiter<OAuthCaller> PerClientId);

    private static OAuthLimiters Create(OAuthRateLimitOptions options) => new(
        PartitionedRateLimiter.Create<OAuthCaller, string>(caller => Bucket("source:" + caller.Source, options.PerSource)),
        PartitionedRateLimiter.Create<OAuthCaller, string>(caller => caller.ClientId is null
            ? RateLimitPartition.GetNoLimiter("")
            : Bucket("client:" + caller.ClientId, options.PerClientId)));

    // Replenished up to ten times a second, so a client at its limit sees steady
    // service rather than a stall of up to a second.
    private static RateLimitPartition<string> Bucket(string key, TokenBucket bucket)
    {
        var perSecond = Math.Max(1, bucket.PermitsPerSecond);
        var refills = Math.Min(10, perSecond);
        return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, bucket.Burst),
            TokensPerPeriod = perSecond / refills,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1.0 / refills),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>The client id the request names: HTTP Basic user (RFC 6749 §2.3.1, form-urlencoded) or the client_id field.</summary>
    private static async Task<string?> ClientIdAsync(HttpRequest request)
    {
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            && string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            && header.Parameter is { } parameter)
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon > 0 ? Uri.UnescapeDataString(decoded[..colon].Replace('+', ' ')) : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        // The form is read once: OpenIddict reads the same cached form afterwards.
        return request.HasFormContentType && (await request.ReadFormAsync()).TryGetValue("client_id", out var clientId) ? clientId.ToString() : null;
    }
}
