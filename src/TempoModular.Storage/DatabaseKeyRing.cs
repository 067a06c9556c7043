using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace TempoModular.Storage;

/// <summary>
/// The Data Protection key ring in the shared database, so that every host of a
/// cluster decrypts what any other host encrypted. Keys are only ever added.
/// </summary>
internal sealed class DatabaseKeyRing(TempoDatabase database, SchemaBootstrap schema) : IXmlRepository
{
    // IXmlRepository is synchronous by contract, and Data Protection calls it on
    // whichever thread first needs a key it has not cached: at start-up, on the
    // refresh interval, or inside a grain unprotecting a secret that another host
    // protected with a newer key. A grain's scheduler runs one work item at a
    // time, so blocking it on work whose continuations are queued back to it
    // never ends; the work therefore runs on the thread pool's scheduler and only
    // the waiting happens here. The first read may come before the silo has
    // applied the schema (antiforgery, sign-in).
    public IReadOnlyCollection<XElement> GetAllElements() => OffTheCallersScheduler(async () =>
    {
        await schema.ApplyAsync(CancellationToken.None);
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT xml FROM dataprotectionkeys ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync();
        var elements = new List<XElement>();
        while (await reader.ReadAsync())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return (IReadOnlyCollection<XElement>)elements;
    });

    public void StoreElement(XElement element, string friendlyName) => OffTheCallersScheduler(async () =>
    {
        await schema.ApplyAsync(CancellationToken.None);
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO dataprotectionkeys (friendlyname, xml) VALUES (@name, @xml)";
        command.AddParameter("@name", friendlyName);
        command.AddParameter("@xml", element.ToString(SaveOptions.DisableFormatting));
        return await command.ExecuteNonQueryAsync();
    });

    private static T OffTheCallersScheduler<T>(Func<Task<T>> work) => Task.Run(work).GetAwaiter().GetResult();
}
