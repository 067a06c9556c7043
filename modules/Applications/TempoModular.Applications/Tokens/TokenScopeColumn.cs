using Microsoft.Data.Sqlite;
using TempoModular.Storage;

namespace TempoModular.Applications.Tokens;

/// <summary>
/// Gives a SQLite database made before tokens recorded their scope the
/// <c>oauth_tokens.scope</c> column, right after the schema scripts ran: SQLite
/// has no ADD COLUMN IF NOT EXISTS, so a script cannot do it idempotently.
/// (PostgreSQL's script does it itself.)
/// </summary>
internal sealed class TokenScopeColumn(TempoDatabase database) : ILifecycleParticipant<ISiloLifecycle>
{
    // After SchemaBootstrap (RuntimeInitialize - 2), before grains read tokens.
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(TokenScopeColumn), ServiceLifecycleStage.RuntimeInitialize - 1, EnsureAsync);

    private async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (connection is not SqliteConnection)
        {
            return;
        }

        await using var check = connection.CreateCommand();
        check.CommandText = "SELECT COUNT(*) FROM pragma_table_info('oauth_tokens') WHERE name = 'scope'";
        if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken)) > 0)
        {
            return;
        }

        await using var add = connection.CreateCommand();
        add.CommandText = "ALTER TABLE oauth_tokens ADD COLUMN scope TEXT NULL";
        await add.ExecuteNonQueryAsync(cancellationToken);
    }
}
