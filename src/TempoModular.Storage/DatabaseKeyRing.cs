using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace TempoModular.Storage;

/// <summary>
/// The Data Protection key ring in the shared database, so that every host of a
/// cluster decrypts what any other host encrypted. Keys are only ever added.
/// </summary>
internal sealed class DatabaseKeyRing(TempoDatabase database, SchemaBootstrap schema) : IXmlRepository
{
    // IXmlRepository is synchronous by contract; key-ring reads happen at start-up
    // and on the key refresh interval, never on a request path. The first one
    // may come before the silo has applied the schema (antiforgery, sign-in).
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        schema.ApplyAsync(CancellationToken.None).GetAwaiter().GetResult();
        using var connection = database.OpenAsync().GetAwaiter().GetResult();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT xml FROM dataprotectionkeys ORDER BY id";
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        schema.ApplyAsync(CancellationToken.None).GetAwaiter().GetResult();
        using var connection = database.OpenAsync().GetAwaiter().GetResult();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO dataprotectionkeys (friendlyname, xml) VALUES (@name, @xml)";
        command.AddParameter("@name", friendlyName);
        command.AddParameter("@xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }
}
