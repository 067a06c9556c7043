using System.Diagnostics.Metrics;

namespace TempoModular.Storage;

/// <summary>
/// The product's one <see cref="Meter"/> ("TempoModular"): every module adds its
/// instruments to it, and the host exports it (docs/operations.md lists them).
/// It lives here because every module already references this project; each
/// instrument lives with the module that measures it.
/// </summary>
/// <remarks>
/// Instruments are static and created once per process: a meter listener sees
/// instruments by meter name, so two hosts in one process (tests) would
/// otherwise export each instrument twice.
/// </remarks>
public static class TempoMeter
{
    public const string Name = "TempoModular";

    public static readonly Meter Meter = new(Name);

    /// <summary>Requests refused by a rate limit or the sign-in throttle, by limiter.</summary>
    public static readonly Counter<long> RateLimitRejections = Meter.CreateCounter<long>(
        "tempo.rate_limit.rejections", unit: "{request}", description: "Requests refused with 429 by a rate limit or the sign-in throttle, by limiter.");

    /// <summary>The limiter names <see cref="RateLimitRejections"/> is tagged with.</summary>
    public static class Limiters
    {
        public static readonly KeyValuePair<string, object?> OAuthPerClientId = new("limiter", "oauth_per_client_id");
        public static readonly KeyValuePair<string, object?> OAuthPerSource = new("limiter", "oauth_per_source");
        public static readonly KeyValuePair<string, object?> SignIn = new("limiter", "sign_in");
    }
}
