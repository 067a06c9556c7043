namespace TempoModular.Applications.Tests;

/// <summary>The redirect URL rules on many inputs, without a silo (the silo tests cover each rule once on storage).</summary>
public sealed class ApplicationValidationTests
{
    [Theory]
    [InlineData("https://integration.example/oauth/callback")]
    [InlineData("https://integration.example")]
    [InlineData("https://integration.example:8443/cb?tenant=7&x")]
    [InlineData("HTTPS://Integration.Example/CB")]
    [InlineData("https://[2001:db8::1]/cb")]
    [InlineData("https://192.0.2.10/cb")]
    [InlineData("http://127.0.0.1/cb")]
    [InlineData("http://127.0.0.1:53412/cb")]
    [InlineData("http://[::1]/cb")]
    [InlineData("http://LOCALHOST:8080/cb")]
    [InlineData("https://localhost/cb")]
    public void Redirect_url_is_accepted(string url)
    {
        var result = ApplicationValidation.Validate(Registration(url));

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal([url], result.Value!.RedirectUrls);
    }

    [Theory]
    [InlineData("/oauth/callback")]
    [InlineData("integration.example/callback")]
    [InlineData("https:integration.example/callback")]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,hi")]
    [InlineData("file:///etc/passwd")]
    [InlineData("myapp://callback")]
    [InlineData("ftp://integration.example/cb")]
    [InlineData("http://integration.example/cb")]
    [InlineData("http://127.0.0.1.integration.example/cb")]
    [InlineData("http://localhost.integration.example/cb")]
    [InlineData("http://10.0.0.1/cb")]
    [InlineData("https://integration.example/cb#")]
    [InlineData("https://integration.example/cb#state")]
    [InlineData("https://*.integration.example/cb")]
    [InlineData("https://integration.example/*")]
    [InlineData("https://integration.example/cb?next=*")]
    [InlineData("https://user@integration.example/cb")]
    [InlineData("https://user:password@integration.example/cb")]
    [InlineData("https://@integration.example/cb")]
    [InlineData("http://localhost@integration.example/cb")]
    [InlineData(" https://integration.example/cb")]
    [InlineData("https://integration.example/cb ")]
    [InlineData("https://integration.example/my cb")]
    [InlineData("https://integration.example/cb\n")]
    [InlineData("https://")]
    [InlineData("")]
    public void Redirect_url_is_refused(string url)
    {
        var result = ApplicationValidation.Validate(Registration(url));

        Assert.Equal("redirectUrls[0]", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void Null_lists_are_read_as_empty()
    {
        var result = ApplicationValidation.Validate(new ApplicationRegistration(null!, null!, ClientType.Public, null!));

        Assert.Equal(["name", "redirectUrls"], result.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Grant_types_are_stored_in_one_order_whatever_order_they_came_in()
    {
        var result = ApplicationValidation.Validate(Registration("https://a.example/cb") with
        {
            GrantTypes = [GrantTypes.ClientCredentials, GrantTypes.RefreshToken, GrantTypes.AuthorizationCode],
        });

        Assert.Equal([GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.ClientCredentials], result.Value!.GrantTypes);
    }

    [Fact]
    public void Grant_type_names_are_case_sensitive_as_in_token_requests()
    {
        var result = ApplicationValidation.Validate(Registration("https://a.example/cb") with { GrantTypes = ["Authorization_Code"] });

        Assert.Contains("Authorization_Code", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Blank_grant_type_is_refused()
    {
        var result = ApplicationValidation.Validate(Registration("https://a.example/cb") with { GrantTypes = [GrantTypes.AuthorizationCode, " "] });

        Assert.Equal("grantTypes", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void Update_is_checked_against_the_given_client_type()
    {
        var update = new ApplicationUpdate("Name", ["https://a.example/cb"], [GrantTypes.ClientCredentials]);

        Assert.True(ApplicationValidation.Validate(update, ClientType.Confidential).Succeeded);
        Assert.Equal("grantTypes", Assert.Single(ApplicationValidation.Validate(update, ClientType.Public).Errors).Field);
    }

    [Theory]
    [InlineData("Good\u202eevil")]
    [InlineData("Nightly\u0000export")]
    [InlineData("Two\nlines")]
    [InlineData("Zero\u200bwidth")]
    [InlineData("Isolate\u2066d")]
    public void A_name_with_control_or_invisible_formatting_characters_is_refused(string name)
    {
        var result = ApplicationValidation.Validate(Registration("https://integration.example/cb") with { Name = name });

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Field == "name" && e.Message.Contains("right-to-left", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Zoë's Jira bridge")]
    [InlineData("日本語の連携")]
    [InlineData("مزامنة")]
    public void A_name_in_any_script_is_accepted(string name)
    {
        var result = ApplicationValidation.Validate(Registration("https://integration.example/cb") with { Name = name });

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
    }

    private static ApplicationRegistration Registration(string url) =>
        new("Name", [url], ClientType.Confidential, [GrantTypes.AuthorizationCode]);
}
