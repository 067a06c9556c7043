namespace TempoModular.Administration;

/// <summary>The <c>Administration</c> configuration section.</summary>
internal sealed class AdministrationOptions
{
    public const string Section = "Administration";

    /// <summary>
    /// Accept HTTP Basic passwords over plain HTTP from other machines. Only for
    /// a deployment whose TLS ends at a proxy in front of the host; loopback
    /// callers may always use plain HTTP.
    /// </summary>
    public bool AllowBasicOverHttp { get; set; }
}
