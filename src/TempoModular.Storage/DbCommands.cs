using System.Data.Common;

namespace TempoModular.Storage;

/// <summary>What every module's SQL needs of a command, written once.</summary>
public static class DbCommands
{
    /// <summary>Adds a named parameter; null goes to the database as NULL.</summary>
    /// <param name="name">As the SQL writes it, prefix included (<c>@limit</c>):
    /// Microsoft.Data.Sqlite binds a bare name by building and trying each prefix
    /// on every execution; Npgsql takes either.</param>
    public static void AddParameter(this DbCommand command, string name, object? value)
    {
        System.Diagnostics.Debug.Assert(name.StartsWith('@'), $"Parameter names carry their '@' prefix (got '{name}').");

        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
