using Microsoft.AspNetCore.DataProtection;

namespace TempoModular.Storage;

/// <summary>
/// Secrets a host creates once and every host of the cluster then shares (the
/// token keys, the cluster certificate): one row each, in a table of
/// (name, protected, created_at), encrypted with Data Protection.
/// </summary>
public static class ProtectedRows
{
    /// <summary>
    /// The secret stored as <paramref name="name"/>, created and stored first if
    /// there is none. Hosts starting together on an empty database may both
    /// create one; the first insert wins and every host reads that row.
    /// </summary>
    /// <param name="table">One of the product's own tables (an identifier, never input).</param>
    public static async Task<byte[]> GetOrAddAsync(this TempoDatabase database, string table, string name, IDataProtector protector, Func<byte[]> create, DateTimeOffset now)
    {
        await using var connection = await database.OpenAsync();
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = $"INSERT INTO {table} (name, protected, created_at) VALUES (@name, @protected, @created) ON CONFLICT (name) DO NOTHING";
            insert.AddParameter("@name", name);
            insert.AddParameter("@protected", Convert.ToBase64String(protector.Protect(create())));
            insert.AddParameter("@created", now.ToUnixTimeMilliseconds());
            await insert.ExecuteNonQueryAsync();
        }

        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT protected FROM {table} WHERE name = @name";
        select.AddParameter("@name", name);
        var stored = (string)(await select.ExecuteScalarAsync())!;
        return protector.Unprotect(Convert.FromBase64String(stored));
    }
}
