using System.Net;
using TempoModular.Applications;
using TempoModular.Identity;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>
/// One way to show a person: the admin API reports who created and changed an
/// application by user name, and the audit log and the tokens page name the same
/// person the same way, "Display Name (user name)".
/// </summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class PeopleTests(AdministrationHostFixture fixture)
{
    private TestHost<Program> Host => fixture.Host;

    [Fact]
    public async Task The_API_the_audit_log_and_the_tokens_page_name_a_person_the_same_way()
    {
        // Typed with capitals at creation: the key is upper case, the product shows it in lower case.
        var typed = "Ada.Lovelace." + Guid.NewGuid().ToString("N")[..8];
        var userName = typed.ToLowerInvariant();
        Assert.Empty(await Host.Grains.GetGrain<IUserGrain>(UserNames.Normalize(typed))
            .CreateAsync(new NewUser(typed, "Ada Lovelace", Browser.UserPassword, TempoPermissions.OAuthApplicationAdministrator)));
        using var api = Host.CreateClient();

        // Created through the API by Basic (the user name typed in another case), changed on the pages.
        var created = await Api.SendAsync(api, HttpMethod.Post, Api.Applications, new
        {
            name = Browser.UniqueName("People"),
            redirectUrls = new[] { "https://client.example/callback" },
            clientType = "confidential",
            grantTypes = new[] { GrantTypes.AuthorizationCode },
        }, Api.Basic(typed.ToUpperInvariant(), Browser.UserPassword));
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(userName, created.String("createdBy"));
        var clientId = created.String("clientId")!;

        using var pages = await Host.SignedInClientAsync(typed, Browser.UserPassword);
        var editPath = $"{Browser.ApplicationsPath}/{clientId}/edit";
        var edited = await pages.SubmitAsync(editPath, editPath, Posted.Plain,
            ("Name", created.String("name")), ("RedirectUrls", "https://client.example/callback"), ("RedirectUrls", "https://client.example/second"),
            ("GrantTypes", GrantTypes.AuthorizationCode));
        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);

        var fetched = await Api.AsAdministratorAsync(api, HttpMethod.Get, $"{Api.Applications}/{clientId}");
        Assert.Equal((userName, userName), (fetched.String("createdBy"), fetched.String("updatedBy")));

        // The same person authorizes the application: the tokens page names them as the audit log does.
        await Grants.AuthorizeAsync(Host, clientId, UserNames.Normalize(typed), ["read"]);
        var person = $"Ada Lovelace ({userName})";
        var audit = await pages.GetStringAsync($"{Browser.AuditLogPath}?clientId={clientId}");
        var tokens = await pages.GetStringAsync($"{Browser.ApplicationsPath}/{clientId}/tokens");

        Assert.Equal(2, Occurrences(audit, $"<td>{person} via the admin API</td>") + Occurrences(audit, $"<td>{person}</td>"));
        Assert.Contains($"<th scope=\"row\">{person}</th>", tokens);
        Assert.DoesNotContain(UserNames.Normalize(typed), audit.Replace($"data-subject=\"{UserNames.Normalize(typed)}\"", ""));
        Assert.DoesNotContain($"({UserNames.Normalize(typed)})", tokens);
        var entries = (await Api.AsAdministratorAsync(api, HttpMethod.Get, $"/api/admin/audit?clientId={clientId}")).Json!.Value.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal((userName, "Ada Lovelace"), (e.GetProperty("actor").GetString(), e.GetProperty("actorName").GetString())));
    }

    private static int Occurrences(string page, string text) =>
        (page.Length - page.Replace(text, "").Length) / text.Length;
}
