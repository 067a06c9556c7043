namespace TempoModular.Authorization;

/// <summary>The scopes of the Tempo REST API; Tempo issues "read write".</summary>
public static class TempoScopes
{
    public const string Read = "read";
    public const string Write = "write";

    public static readonly IReadOnlyList<string> All = [Read, Write];

    public static string Describe(string scope) => scope switch
    {
        Read => "Read your worklogs and Tempo data",
        Write => "Create and delete worklogs on your behalf",
        _ => scope,
    };
}
