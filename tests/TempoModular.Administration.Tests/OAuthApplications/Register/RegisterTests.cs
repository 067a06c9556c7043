using System.Net;
using System.Text.RegularExpressions;
using TempoModular.Applications;
using TempoModular.Testing;

namespace TempoModular.Administration.Tests;

/// <summary>The add form: its first state, redirect URL rows, refusals next to their fields, the new credentials.</summary>
[Collection(AdministrationHostCollection.Name)]
public sealed class RegisterTests(AdministrationHostFixture fixture)
{
    private const string NewPath = Browser.ApplicationsPath + "/new";

    private TestHost<Program> Host => fixture.Host;

    /// <summary>A form post that the registry refuses: the field id whose message it shows, and what to post.</summary>
    public sealed record Refused(string Case, string FieldId, string Expected, string? Name, string[] RedirectUrls, string ClientType, string[] GrantTypes)
    {
        public override string ToString() => Case;
    }

    private static readonly Refused[] Cases =
    [
        new("name blank", "name", "Enter a name", "   ", ["https://app.example/cb"], "confidential", [GrantTypes.AuthorizationCode]),
        new("name too long", "name", "at most 100", new string('n', 101), ["https://app.example/cb"], "confidential", [GrantTypes.AuthorizationCode]),
        new("name taken", "name", "already has this name", "{existing}", ["https://app.example/cb"], "confidential", [GrantTypes.AuthorizationCode]),
        new("not a URL", "redirect-url-0", "absolute URL", "{unique}", ["not-a-url"], "confidential", [GrantTypes.AuthorizationCode]),
        new("http off loopback", "redirect-url-1", "Use https", "{unique}", ["https://app.example/cb", "http://app.example/cb"], "confidential", [GrantTypes.AuthorizationCode]),
        new("fragment", "redirect-url-0", "fragment", "{unique}", ["https://app.example/cb#section"], "confidential", [GrantTypes.AuthorizationCode]),
        new("wildcard", "redirect-url-0", "wildcard", "{unique}", ["https://*.app.example/cb"], "confidential", [GrantTypes.AuthorizationCode]),
        new("too many URLs", "redirect-urls", "at most 10", "{unique}", [.. Enumerable.Range(1, 11).Select(i => $"https://app.example/cb{i}")], "confidential", [GrantTypes.AuthorizationCode]),
        new("duplicate URL", "redirect-url-1", "already in the list", "{unique}", ["https://app.example/cb", "https://app.example/cb"], "confidential", [GrantTypes.AuthorizationCode]),
        new("empty URL row", "redirect-url-0", "Enter a redirect URL", "{unique}", [""], "confidential", [GrantTypes.AuthorizationCode]),
        new("client credentials for a public client", "grant-types", "public client cannot use the client credentials", "{unique}", ["https://app.example/cb"], "public", [GrantTypes.ClientCredentials]),
        new("implicit", "grant-types", "implicit grant is deprecated", "{unique}", ["https://app.example/cb"], "confidential", [GrantTypes.Implicit]),
        new("no client type", "client-type", "public or confidential", "{unique}", ["https://app.example/cb"], "", [GrantTypes.AuthorizationCode]),
    ];

    public static TheoryData<string, bool> RefusedForms()
    {
        var data = new TheoryData<string, bool>();
        foreach (var refused in Cases)
        {
            data.Add(refused.Case, false);
            data.Add(refused.Case, true);
        }

        return data;
    }

    [Theory, MemberData(nameof(RefusedForms))]
    public async Task A_refused_application_shows_the_registrys_error_next_to_its_field_and_keeps_what_was_typed(string refusal, bool htmx)
    {
        var form = Cases.Single(c => c.Case == refusal);
        var name = form.Name switch
        {
            "{existing}" => (await ExistingNameAsync()).ToUpperInvariant(),
            "{unique}" => Browser.UniqueName("Form app"),
            _ => form.Name,
        };
        using var client = await Host.SignedInClientAsync();

        var response = await client.SubmitAsync(NewPath, NewPath, htmx,
        [
            ("Name", name),
            .. form.RedirectUrls.Select(u => ("RedirectUrls", (string?)u)),
            ("ClientType", form.ClientType),
            .. form.GrantTypes.Select(g => ("GrantTypes", (string?)g)),
        ]);
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(htmx, !page.Contains("<main", StringComparison.Ordinal));

        // The message under the field is the registry's own.
        var message = Browser.FieldError(page, form.FieldId);
        Assert.NotNull(message);
        Assert.Contains(form.Expected, message, StringComparison.OrdinalIgnoreCase);
        var registry = await RegistryErrorsAsync(name!, form);
        Assert.Contains(registry, e => message!.Contains(e, StringComparison.Ordinal));

        // It is tied to its field and announced.
        Assert.Contains("role=\"alert\"", page);
        var described = Regex.IsMatch(page, $"aria-describedby=\"[^\"]*{Regex.Escape(form.FieldId)}-error[^\"]*\"");
        Assert.True(described, $"Nothing is described by {form.FieldId}-error.");
        if (form.FieldId is "name" or "redirect-url-0" or "redirect-url-1")
        {
            Assert.Contains("aria-invalid=\"true\"", Browser.Element(page, form.FieldId));
            Assert.Contains("autofocus", Browser.Element(page, form.FieldId));
        }

        // What was typed is still there.
        Assert.Equal(name, Browser.ValueOf(page, "name"));
        for (var i = 0; i < form.RedirectUrls.Length; i++)
        {
            Assert.Equal(form.RedirectUrls[i], Browser.ValueOf(page, $"redirect-url-{i}") ?? "");
        }

        Assert.Equal(form.ClientType == "public", Browser.Element(page, "client-type-public").Contains("checked"));
        Assert.Equal(form.GrantTypes.Contains(GrantTypes.ClientCredentials), Browser.Element(page, "grant-type-client-credentials").Contains("checked"));
        Assert.Equal(form.GrantTypes.Contains(GrantTypes.AuthorizationCode), Browser.Element(page, "grant-type-authorization-code").Contains("checked"));
        Assert.DoesNotContain((await Host.Grains.GetGrain<IApplicationDirectoryGrain>(0).ListAsync(1, 10, name!.Trim())).Items, a => a.Name == name.Trim());
    }

    [Fact]
    public async Task The_add_form_starts_with_one_redirect_url_confidential_and_authorization_code_and_implicit_disabled()
    {
        using var client = await Host.SignedInClientAsync();

        var page = await (await client.GetAsync(NewPath, htmx: true)).Content.ReadAsStringAsync();

        Assert.Contains("<label for=\"name\">Name</label>", page);
        Assert.Contains("<label class=\"visually-hidden\" for=\"redirect-url-0\">Redirect URL 1</label>", page);
        Assert.DoesNotContain("id=\"redirect-url-1\"", page);
        Assert.Contains("checked", Browser.Element(page, "client-type-confidential"));
        Assert.DoesNotContain("checked", Browser.Element(page, "client-type-public"));
        Assert.Contains("checked", Browser.Element(page, "grant-type-authorization-code"));
        Assert.DoesNotContain("checked", Browser.Element(page, "grant-type-client-credentials"));
        Assert.DoesNotContain("checked", Browser.Element(page, "grant-type-refresh-token"));
        Assert.Contains("disabled", Browser.Element(page, "grant-type-implicit"));
        Assert.DoesNotContain("name=", Browser.Element(page, "grant-type-implicit"));
        Assert.Contains("deprecated, can no longer be selected", page);
        Assert.Contains(">Add Application</button>", page);
        Assert.Contains("autofocus", Browser.Element(page, "name"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Add_redirect_URL_adds_an_empty_row_and_keeps_the_others_without_validating(bool htmx)
    {
        using var client = await Host.SignedInClientAsync();

        var response = await client.SubmitAsync(NewPath, NewPath + "?handler=AddRedirectUrl", htmx,
            ("Name", ""), ("RedirectUrls", "https://one.example/cb"), ("ClientType", "public"), ("GrantTypes", GrantTypes.AuthorizationCode));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal("https://one.example/cb", Browser.ValueOf(page, "redirect-url-0"));
        Assert.Null(Browser.ValueOf(page, "redirect-url-1"));
        Assert.Contains("autofocus", Browser.Element(page, "redirect-url-1"));
        Assert.Contains("checked", Browser.Element(page, "client-type-public"));
        Assert.DoesNotContain("field-error", page);
    }

    [Fact]
    public async Task Remove_takes_out_that_row_and_keeps_the_rest()
    {
        using var client = await Host.SignedInClientAsync();

        var response = await client.SubmitAsync(NewPath, NewPath + "?handler=RemoveRedirectUrl", htmx: true,
            ("Name", "Keep me"), ("RedirectUrls", "https://one.example/cb"), ("RedirectUrls", "https://two.example/cb"),
            ("RedirectUrls", "https://three.example/cb"), ("ClientType", "confidential"), ("remove", "1"));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal("Keep me", Browser.ValueOf(page, "name"));
        Assert.Equal("https://one.example/cb", Browser.ValueOf(page, "redirect-url-0"));
        Assert.Equal("https://three.example/cb", Browser.ValueOf(page, "redirect-url-1"));
        Assert.DoesNotContain("id=\"redirect-url-2\"", page);
        Assert.Contains("Remove<span class=\"visually-hidden\"> redirect URL 2</span>", page);
    }

    [Fact]
    public async Task Adding_an_application_in_the_dialog_shows_its_credentials_and_tells_the_list_to_reload()
    {
        var name = Browser.UniqueName("Dialog app");
        using var client = await Host.SignedInClientAsync();

        var response = await client.SubmitAsync(Browser.ApplicationsPath, NewPath, htmx: true,
            ("Name", name), ("RedirectUrls", "https://dialog.example/cb"), ("RedirectUrls", "http://127.0.0.1:8080/cb"),
            ("ClientType", "confidential"), ("GrantTypes", GrantTypes.AuthorizationCode), ("GrantTypes", GrantTypes.RefreshToken));
        var panel = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("applications-changed", Assert.Single(response.Headers.GetValues("HX-Trigger")));
        Assert.Contains("id=\"created-panel\"", panel);
        Assert.Contains("Copy its credentials now, or view them later", panel);
        var clientId = Browser.ValueOf(panel, "client-id")!;
        var secret = Browser.ValueOf(panel, "client-secret")!;
        Assert.Contains("data-copy=\"client-id\"", panel);
        Assert.Contains("data-copy=\"client-secret\"", panel);
        var stored = await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync();
        Assert.Equal(name, stored!.Name);
        Assert.Equal(["https://dialog.example/cb", "http://127.0.0.1:8080/cb"], stored.RedirectUrls);
        Assert.Equal([GrantTypes.AuthorizationCode, GrantTypes.RefreshToken], stored.GrantTypes);
        Assert.True(await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).VerifySecretAsync(secret));

        // The list's reload (what htmx does on the event) has it.
        var list = await (await client.GetAsync(Browser.ApplicationsPath + "?page=1&filter=" + Uri.EscapeDataString(name), htmx: true)).Content.ReadAsStringAsync();
        Assert.Contains($"data-client-id=\"{clientId}\"", list);
    }

    [Fact]
    public async Task The_pkce_checkbox_starts_ticked_and_sets_the_confidential_applications_setting()
    {
        var name = Browser.UniqueName("Pkce app");
        using var client = await Host.SignedInClientAsync();
        var addForm = await (await client.GetAsync(NewPath, htmx: false)).Content.ReadAsStringAsync();

        var added = await client.SubmitAsync(NewPath, NewPath, htmx: true,
            ("Name", name), ("RedirectUrls", "https://pkce.example/cb"), ("ClientType", "confidential"), ("GrantTypes", GrantTypes.AuthorizationCode), ("RequirePkce", "true"));
        var clientId = Browser.ValueOf(await added.Content.ReadAsStringAsync(), "client-id")!;
        var requiredAtFirst = (await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync())!.RequirePkce;
        var editPath = $"{Browser.ApplicationsPath}/{clientId}/edit";
        var editForm = await (await client.GetAsync(editPath, htmx: false)).Content.ReadAsStringAsync();
        // Unticked: a checkbox posts nothing.
        await client.SubmitAsync(editPath, editPath, htmx: true, ("Name", name), ("RedirectUrls", "https://pkce.example/cb"), ("GrantTypes", GrantTypes.AuthorizationCode));

        Assert.Contains("checked", Browser.Element(addForm, "require-pkce"));
        Assert.True(requiredAtFirst);
        Assert.Contains("checked", Browser.Element(editForm, "require-pkce"));
        Assert.False((await Host.Grains.GetGrain<IOAuthApplicationGrain>(clientId).GetAsync())!.RequirePkce);
    }

    [Fact]
    public async Task Adding_a_public_application_as_a_plain_form_shows_a_page_saying_it_has_no_secret()
    {
        var name = Browser.UniqueName("Public app");
        using var client = await Host.SignedInClientAsync();

        var response = await client.SubmitAsync(NewPath, NewPath, htmx: false,
            ("Name", name), ("RedirectUrls", "http://localhost:7000/cb"), ("ClientType", "public"), ("GrantTypes", GrantTypes.AuthorizationCode));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<main id=\"main\"", page);
        Assert.Contains("id=\"created-panel\"", page);
        Assert.Contains("id=\"client-secret-none\"", page);
        Assert.Contains("public client", page);
        Assert.DoesNotContain("id=\"client-secret\"", page);
    }

    private async Task<string> ExistingNameAsync()
    {
        var name = Browser.UniqueName("Taken");
        await Host.RegisterAsync(name);
        return name;
    }

    // What the registry itself answers to the same input: the page must show these words.
    private async Task<IReadOnlyList<string>> RegistryErrorsAsync(string name, Refused form)
    {
        var clientType = form.ClientType switch { "public" => ClientType.Public, "confidential" => ClientType.Confidential, _ => (ClientType)(-1) };
        var result = await Host.Grains.GetGrain<IApplicationDirectoryGrain>(0).RegisterAsync(
            new ApplicationRegistration(name, [.. form.RedirectUrls.Select(u => u.Length == 0 ? null! : u)], clientType, form.GrantTypes), "test");
        Assert.False(result.Succeeded);
        return [.. result.Errors.Select(e => e.Message)];
    }
}
