using System.Data.Common;

namespace TempoModular.Storage;

/// <summary>What every module's SQL needs of a command, written once.</summary>
public static class DbCommands
{
    /// <summary>Adds a named parameter; null goes to the database as NULL.</summary>
    public static void AddParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
