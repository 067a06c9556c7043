using System.Collections.Immutable;
using System.Text.Json;
using TempoModular.Applications;

namespace TempoModular.Authorization.Stores;

/// <summary>OpenIddict's mutable view of a <see cref="TokenRecord"/>; the grain keeps the record.</summary>
internal sealed class TokenEntity
{
    public string? Id { get; set; }
    public string? ApplicationId { get; set; }
    public string? AuthorizationId { get; set; }
    public string? Subject { get; set; }
    public string? Type { get; set; }
    public string? Status { get; set; }
    public DateTimeOffset? CreationDate { get; set; }
    public DateTimeOffset? ExpirationDate { get; set; }
    public DateTimeOffset? RedemptionDate { get; set; }
    public string? ReferenceId { get; set; }
    public string? Payload { get; set; }
    public string? Properties { get; set; }

    /// <summary>What the token grants, space-separated (see ScopeRecordingTokenManager).</summary>
    public string? Scope { get; set; }

    /// <summary>The version the grain had when this entity was read: updates are refused if it moved on.</summary>
    public int Version { get; set; }

    public static TokenEntity From(TokenRecord record) => new()
    {
        Id = record.Id,
        ApplicationId = TokenIds.ClientIdOf(record.Id),
        AuthorizationId = record.AuthorizationId,
        Subject = record.Subject,
        Type = record.Type,
        Status = record.Status,
        CreationDate = record.CreatedAt,
        ExpirationDate = record.ExpiresAt,
        RedemptionDate = record.RedeemedAt,
        ReferenceId = record.ReferenceId,
        Payload = record.Payload,
        Properties = record.Properties,
        Version = record.Version,
        Scope = record.Scope,
    };

    public TokenRecord ToRecord() => new(
        Id!, AuthorizationId, Subject, Type ?? "", Status ?? TokenStatuses.Valid,
        CreationDate ?? DateTimeOffset.UtcNow, ExpirationDate, RedemptionDate, ReferenceId, Payload, Properties, Version, Scope);
}

/// <summary>OpenIddict's mutable view of a <see cref="GrantRecord"/>.</summary>
internal sealed class AuthorizationEntity
{
    public string? Id { get; set; }
    public string? ApplicationId { get; set; }
    public string? Subject { get; set; }
    public string? Type { get; set; }
    public string? Status { get; set; }
    public ImmutableArray<string> Scopes { get; set; } = [];
    public DateTimeOffset? CreationDate { get; set; }
    public string? Properties { get; set; }
    public int Version { get; set; }

    public static AuthorizationEntity From(GrantRecord record) => new()
    {
        Id = record.Id,
        ApplicationId = TokenIds.ClientIdOf(record.Id),
        Subject = record.Subject,
        Type = record.Type,
        Status = record.Status,
        Scopes = [.. record.Scopes],
        CreationDate = record.CreatedAt,
        Properties = record.Properties,
        Version = record.Version,
    };

    public GrantRecord ToRecord() => new(
        Id!, Subject, Type ?? "", Status ?? TokenStatuses.Valid, Scopes.IsDefault ? [] : [.. Scopes],
        CreationDate ?? DateTimeOffset.UtcNow, Properties, Version);
}

/// <summary>A scope of the Tempo API, as OpenIddict's scope store returns it.</summary>
internal sealed record ScopeEntity(string Name, string Description);

internal static class EntityProperties
{
    public static ImmutableDictionary<string, JsonElement> Read(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return ImmutableDictionary<string, JsonElement>.Empty;
        }

        using var document = JsonDocument.Parse(json);
        var builder = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            builder[property.Name] = property.Value.Clone();
        }

        return builder.ToImmutable();
    }

    public static string? Write(ImmutableDictionary<string, JsonElement> properties) =>
        properties is null || properties.IsEmpty ? null : JsonSerializer.Serialize(properties);
}
