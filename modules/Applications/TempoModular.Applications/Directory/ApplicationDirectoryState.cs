namespace TempoModular.Applications;

/// <summary>
/// What is stored for the site's directory: one entry per live application.
/// Versioned like <see cref="OAuthApplicationState"/>. The case-insensitive
/// name index is rebuilt from the entries on activation rather than stored, so
/// it cannot disagree with them.
/// </summary>
[GenerateSerializer, Alias("tempo.applications.oauth-application-directory-state.v1")]
internal sealed class ApplicationDirectoryState
{
    /// <summary>Live applications by client id.</summary>
    [Id(0)] public Dictionary<string, ApplicationDirectoryEntry> Applications { get; set; } = [];
}

/// <summary>What the directory lists of one application (a copy of the application grain's own state).</summary>
[GenerateSerializer, Alias("tempo.applications.oauth-application-directory-entry.v1")]
internal sealed class ApplicationDirectoryEntry
{
    [Id(0)] public string ClientId { get; set; } = "";

    [Id(1)] public string Name { get; set; } = "";

    [Id(2)] public ClientType ClientType { get; set; }

    [Id(3)] public List<string> GrantTypes { get; set; } = [];

    [Id(4)] public int RedirectUrlCount { get; set; }

    [Id(5)] public DateTimeOffset CreatedAt { get; set; }

    public ApplicationSummary ToSummary() => new(ClientId, Name, ClientType, [.. GrantTypes], RedirectUrlCount, CreatedAt);
}
