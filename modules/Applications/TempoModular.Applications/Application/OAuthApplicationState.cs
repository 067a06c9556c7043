namespace TempoModular.Applications;

/// <summary>
/// What is stored for one application; the client secret only as Data
/// Protection ciphertext. The ids and the alias are the stored format: add
/// members with new ids; never reuse an id, change a member's type or drop the
/// alias (it is what lets the class be renamed or moved).
/// </summary>
[GenerateSerializer, Alias("tempo.applications.oauth-application-state.v1")]
internal sealed class OAuthApplicationState
{
    [Id(0)] public string Name { get; set; } = "";

    [Id(1)] public List<string> RedirectUrls { get; set; } = [];

    [Id(2)] public ClientType ClientType { get; set; }

    [Id(3)] public List<string> GrantTypes { get; set; } = [];

    /// <summary>Data Protection ciphertext of the current client secret; null for public clients and once deleted.</summary>
    [Id(4)] public byte[]? ProtectedSecret { get; set; }

    /// <summary>Ciphertext of the secret that was current before the last rotation.</summary>
    [Id(5)] public byte[]? PreviousProtectedSecret { get; set; }

    [Id(6)] public DateTimeOffset? PreviousSecretValidUntil { get; set; }

    [Id(7)] public DateTimeOffset CreatedAt { get; set; }

    [Id(8)] public string CreatedBy { get; set; } = "";

    [Id(9)] public DateTimeOffset UpdatedAt { get; set; }

    [Id(10)] public string UpdatedBy { get; set; } = "";

    /// <summary>
    /// Deleted applications stay as tombstones: the client id is never handed
    /// out again and a second delete can say "already deleted".
    /// </summary>
    [Id(11)] public bool Deleted { get; set; }

    [Id(12)] public DateTimeOffset? DeletedAt { get; set; }

    [Id(13)] public string? DeletedBy { get; set; }

    /// <summary>
    /// "Revoke all tokens": every token issued at or before this instant is
    /// refused. One field, however many tokens the application holds.
    /// </summary>
    [Id(14)] public DateTimeOffset? TokensRevokedBefore { get; set; }

    /// <summary>Overrides of the site's token lifetimes; null members use the defaults.</summary>
    [Id(15)] public TokenLifetimes? TokenLifetimes { get; set; }

    // False in rows written before the setting existed: those applications keep
    // working without PKCE. Public clients require it whatever this says.
    [Id(16)] public bool RequirePkce { get; set; }
}
