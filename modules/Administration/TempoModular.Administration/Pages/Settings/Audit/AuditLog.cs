using System.Data.Common;
using TempoModular.Administration.Access;
using TempoModular.Storage;

namespace TempoModular.Administration.Pages.Settings.Audit;

/// <summary>What an administrator did to an application or a user; the values stored in the log's action column. Entries about users have a blank client id and application name.</summary>
internal static class AuditActions
{
    public const string Created = "application.created";
    public const string Updated = "application.updated";
    public const string CredentialsRevealed = "credentials.revealed";
    public const string SecretRotated = "secret.rotated";
    public const string Deleted = "application.deleted";
    public const string GrantRevoked = "grant.revoked";
    public const string TokenRevoked = "token.revoked";
    public const string AllTokensRevoked = "tokens.revoked";
    public const string UserAdded = "user.added";
    public const string PermissionsChanged = "user.permissions_changed";
    public const string PasswordReset = "user.password_reset";
    public const string UserUnlocked = "user.unlocked";
    public const string UserDeactivated = "user.deactivated";

    /// <summary>The action in words, for the audit log page.</summary>
    public static string Describe(string action) => action switch
    {
        Created => "Created the application",
        Updated => "Edited the application",
        CredentialsRevealed => "Revealed the credentials",
        SecretRotated => "Rotated the client secret",
        Deleted => "Deleted the application",
        GrantRevoked => "Revoked a user's access",
        TokenRevoked => "Revoked a token",
        AllTokensRevoked => "Revoked all tokens",
        UserAdded => "Added a user",
        PermissionsChanged => "Changed a user's permissions",
        PasswordReset => "Reset a user's password",
        UserUnlocked => "Unlocked a user",
        UserDeactivated => "Deactivated a user",
        _ => action,
    };
}

/// <summary>One entry of the audit log. Never holds a secret.</summary>
internal sealed record AuditEntry(
    long Id,
    DateTimeOffset OccurredAt,
    string Actor,
    string ActorName,
    string Via,
    string Action,
    string ClientId,
    string ApplicationName,
    string? Details);

/// <summary>A page (1-based) of the log, newest first.</summary>
internal sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int Page, int PageSize, int TotalCount)
{
    public int PageCount => Math.Max(1, (TotalCount + PageSize - 1) / PageSize);
}

/// <summary>An application that appears in the log, under the name it last had there.</summary>
internal sealed record AuditedApplication(string ClientId, string Name);

/// <summary>
/// The administrators' audit log: an append-only table of the module's own
/// (<c>admin_audit</c>, see Sql/050-admin-audit.*.sql) in the product's database.
/// </summary>
internal sealed class AuditLog(TempoDatabase database, TimeProvider time)
{
    public const int MaxPageSize = 200;

    /// <summary>Appends one entry. <paramref name="details"/> is shown as written: never put a secret in it.</summary>
    public async Task AppendAsync(Administrator by, string action, string clientId, string applicationName, string? details)
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO admin_audit (occurred_at, actor, actor_name, via, action, client_id, application_name, details)
            VALUES (@occurred_at, @actor, @actor_name, @via, @action, @client_id, @application_name, @details)
            """;
        command.AddParameter("@occurred_at", time.GetUtcNow().ToUnixTimeMilliseconds());
        command.AddParameter("@actor", by.UserName);
        command.AddParameter("@actor_name", by.DisplayName);
        command.AddParameter("@via", by.Via);
        command.AddParameter("@action", action);
        command.AddParameter("@client_id", clientId);
        command.AddParameter("@application_name", applicationName);
        command.AddParameter("@details", (object?)details ?? DBNull.Value);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A page of the log, newest first, of every application or of one.</summary>
    public async Task<AuditPage> ReadAsync(int page, int pageSize, string? clientId)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        clientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId.Trim();

        // The condition is left out rather than written "@client IS NULL OR ...":
        // PostgreSQL cannot type a parameter that is only compared with NULL.
        var where = clientId is null ? "" : "WHERE client_id = @client_id";
        await using var connection = await database.OpenAsync();

        int total;
        await using (var count = connection.CreateCommand())
        {
            count.CommandText = $"SELECT COUNT(*) FROM admin_audit {where}";
            if (clientId is not null)
            {
                count.AddParameter("@client_id", clientId);
            }

            total = Convert.ToInt32(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        var items = new List<AuditEntry>();
        await using (var select = connection.CreateCommand())
        {
            select.CommandText = $"""
                SELECT id, occurred_at, actor, actor_name, via, action, client_id, application_name, details
                FROM admin_audit {where}
                ORDER BY id DESC
                LIMIT @limit OFFSET @offset
                """;
            if (clientId is not null)
            {
                select.AddParameter("@client_id", clientId);
            }

            select.AddParameter("@limit", (long)pageSize);
            select.AddParameter("@offset", (long)(page - 1) * pageSize);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                items.Add(new AuditEntry(
                    reader.GetInt64(0),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.GetString(4),
                    reader.GetString(5),
                    reader.GetString(6),
                    reader.GetString(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8)));
            }
        }

        return new AuditPage(items, page, pageSize, total);
    }

    /// <summary>Every application the log mentions, with its latest name there, sorted by name: the choices of the page's filter.</summary>
    public async Task<IReadOnlyList<AuditedApplication>> ApplicationsAsync()
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT client_id, application_name FROM admin_audit
            WHERE id IN (SELECT MAX(id) FROM admin_audit WHERE client_id <> '' GROUP BY client_id)
            """;
        var applications = new List<AuditedApplication>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            applications.Add(new AuditedApplication(reader.GetString(0), reader.GetString(1)));
        }

        return [.. applications.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ThenBy(a => a.ClientId, StringComparer.Ordinal)];
    }

}
