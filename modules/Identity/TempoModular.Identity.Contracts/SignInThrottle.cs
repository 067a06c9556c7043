using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace TempoModular.Identity;

/// <summary>Allowances for wrong passwords: the "Identity:SignInThrottling" section.</summary>
public sealed class SignInThrottlingOptions
{
    public const string Section = "Identity:SignInThrottling";

    /// <summary>Wrong passwords one source may try against one user name before it has to wait.</summary>
    public int FailuresPerUserName { get; set; } = 5;

    /// <summary>Wrong passwords one source may try across all user names (password spraying, floods of PBKDF2 work).</summary>
    public int FailuresPerSource { get; set; } = 20;

    /// <summary>How long a spent allowance takes to come back in full; it comes back steadily, one attempt at a time.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Throttles wrong passwords instead of locking accounts. A lockout counted per
/// account let anyone lock the administrator out with five guesses; here
/// failures are counted per (source address, user name) and per source, so an
/// attacker only slows himself down, and the real administrator, from an
/// address with no recent failures, always gets to try. A throttled attempt is
/// refused before any hashing, whether or not the user exists, so it neither
/// costs PBKDF2 work nor tells which user names exist. Kept in memory on each
/// host: a restart forgives, and nothing an attacker does is written to storage.
/// </summary>
public sealed class SignInThrottle(SignInThrottlingOptions options, TimeProvider time)
{
    // Entries whose allowance has fully come back are dropped once there are this many.
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, Allowance> _allowances = new(StringComparer.Ordinal);

    /// <summary>Null when this source may try this user name now; otherwise how long it has to wait.</summary>
    public TimeSpan? RetryAfter(IPAddress? source, string userName)
    {
        var now = time.GetTimestamp();
        var pair = Wait(PairKey(source, userName), options.FailuresPerUserName, now);
        var any = Wait(SourceKey(source), options.FailuresPerSource, now);
        var wait = pair > any ? pair : any;
        return wait > TimeSpan.Zero ? wait : null;
    }

    /// <summary>Counts a wrong password (or unknown user name) from this source.</summary>
    public void RecordFailure(IPAddress? source, string userName)
    {
        var now = time.GetTimestamp();
        Spend(PairKey(source, userName), options.FailuresPerUserName, now);
        Spend(SourceKey(source), options.FailuresPerSource, now);
        if (_allowances.Count > SweepAbove)
        {
            Sweep(now);
        }
    }

    /// <summary>The right password from this source: its failures against this user name are forgiven.</summary>
    public void RecordSuccess(IPAddress? source, string userName) => _allowances.TryRemove(PairKey(source, userName), out _);

    /// <summary>
    /// Forgets every failure recorded against this user name, from every source,
    /// on this host (the administrator's "unlock"). Returns how many sources had failures.
    /// </summary>
    public int ClearUserName(string userName)
    {
        var suffix = "|" + UserNames.Normalize(userName);
        var cleared = 0;
        foreach (var key in _allowances.Keys)
        {
            if (key.EndsWith(suffix, StringComparison.Ordinal) && _allowances.TryRemove(key, out _))
            {
                cleared++;
            }
        }

        return cleared;
    }

    private TimeSpan Wait(string key, int capacity, long now) =>
        _allowances.TryGetValue(key, out var allowance) ? allowance.Wait(capacity, PerSecond(capacity), now, time) : TimeSpan.Zero;

    private void Spend(string key, int capacity, long now) =>
        _allowances.GetOrAdd(key, static _ => new Allowance()).Spend(PerSecond(capacity), now, time);

    private double PerSecond(int capacity) => capacity / Math.Max(1, options.Window.TotalSeconds);

    private void Sweep(long now)
    {
        foreach (var (key, allowance) in _allowances)
        {
            if (allowance.IsRestored(PerSecond(key.Contains('|', StringComparison.Ordinal) ? options.FailuresPerUserName : options.FailuresPerSource), now, time))
            {
                _allowances.TryRemove(key, out _);
            }
        }
    }

    private static string PairKey(IPAddress? source, string userName) => SourceKey(source) + "|" + UserNames.Normalize(userName);

    /// <summary>
    /// What limits count a source address by: the IPv4 address, or the IPv6 /64
    /// (a host usually holds a whole /64; per address it could rotate through 2^64).
    /// </summary>
    public static string SourceKey(IPAddress? source)
    {
        if (source is null)
        {
            return "local";
        }

        if (source.IsIPv4MappedToIPv6)
        {
            source = source.MapToIPv4();
        }

        if (source.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return source.ToString();
        }

        var bytes = source.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>Failures spent, leaking away at the allowance's rate (a token bucket seen from the other side).</summary>
    private sealed class Allowance
    {
        private double _spent;
        private long _at;

        public TimeSpan Wait(int capacity, double perSecond, long now, TimeProvider time)
        {
            lock (this)
            {
                var spent = SpentAt(perSecond, now, time);
                // One more attempt is allowed while less than the whole allowance is spent.
                return spent + 1 <= capacity ? TimeSpan.Zero : TimeSpan.FromSeconds((spent + 1 - capacity) / perSecond);
            }
        }

        public void Spend(double perSecond, long now, TimeProvider time)
        {
            lock (this)
            {
                _spent = SpentAt(perSecond, now, time) + 1;
                _at = now;
            }
        }

        public bool IsRestored(double perSecond, long now, TimeProvider time)
        {
            lock (this)
            {
                return SpentAt(perSecond, now, time) <= 0;
            }
        }

        private double SpentAt(double perSecond, long now, TimeProvider time) =>
            _at == 0 ? 0 : Math.Max(0, _spent - (time.GetElapsedTime(_at, now).TotalSeconds * perSecond));
    }
}
