using System.Xml.Linq;

namespace TempoModular.Host.Tests;

/// <summary>Keeps modules honest: another module is reached only through its Contracts project, no module reaches the host, and the load tests reach none.</summary>
public sealed class ArchitectureTests
{
    private static readonly string Root = FindRepositoryRoot();

    public static TheoryData<string> ModuleProjects()
    {
        var data = new TheoryData<string>();
        foreach (var project in Directory.GetFiles(Path.Combine(Root, "modules"), "*.csproj", SearchOption.AllDirectories).Order())
        {
            data.Add(Path.GetRelativePath(Root, project));
        }

        return data;
    }

    [Theory, MemberData(nameof(ModuleProjects))]
    public void A_module_references_other_modules_only_through_their_contracts(string project)
    {
        var owner = ModuleOf(project);
        var offending = ProjectReferences(project)
            .Where(reference => reference.StartsWith("modules/", StringComparison.Ordinal))
            .Where(reference => ModuleOf(reference) != owner && !reference.EndsWith(".Contracts.csproj", StringComparison.Ordinal))
            .ToList();

        Assert.True(offending.Count == 0, $"{project} references another module's implementation: {string.Join(", ", offending)}");
    }

    [Theory, MemberData(nameof(ModuleProjects))]
    public void A_contracts_project_depends_on_no_module_implementation(string project)
    {
        if (!project.EndsWith(".Contracts.csproj", StringComparison.Ordinal))
        {
            return;
        }

        var implementations = ProjectReferences(project).Where(r => !r.EndsWith(".Contracts.csproj", StringComparison.Ordinal)).ToList();
        Assert.True(implementations.Count == 0, $"{project} references {string.Join(", ", implementations)}");
    }

    [Theory, MemberData(nameof(ModuleProjects))]
    public void A_module_depends_on_no_host(string project)
    {
        // The host composes modules; a module reaching back into it would make
        // the composition circular and the module impossible to host elsewhere.
        var hosts = ProjectReferences(project).Where(r => r.StartsWith("src/TempoModular.Host/", StringComparison.Ordinal)).ToList();
        Assert.True(hosts.Count == 0, $"{project} references the host: {string.Join(", ", hosts)}");
    }

    [Fact]
    public void Load_tests_reference_no_module()
    {
        // The load runner is an outside client: it reaches the product only over
        // HTTP, as integrators do, so it measures what they see.
        var projects = Directory.GetFiles(Path.Combine(Root, "load-tests"), "*.csproj", SearchOption.AllDirectories);
        Assert.NotEmpty(projects);
        var offending = projects
            .SelectMany(p => ProjectReferences(Path.GetRelativePath(Root, p)))
            .Where(r => r.StartsWith("modules/", StringComparison.Ordinal) || r.StartsWith("src/", StringComparison.Ordinal))
            .ToList();
        Assert.True(offending.Count == 0, $"The load tests reference product projects: {string.Join(", ", offending)}");
    }

    [Fact]
    public void Every_module_has_a_readme()
    {
        var missing = Directory.GetDirectories(Path.Combine(Root, "modules"))
            .Where(module => !File.Exists(Path.Combine(module, "README.md")))
            .Select(Path.GetFileName)
            .ToList();
        Assert.True(missing.Count == 0, $"Modules without README.md: {string.Join(", ", missing)}");
    }

    private static string ModuleOf(string relativePath) => relativePath.Split('/')[1];

    private static IEnumerable<string> ProjectReferences(string relativeProject)
    {
        var path = Path.Combine(Root, relativeProject);
        var directory = Path.GetDirectoryName(path)!;
        return XDocument.Load(path).Descendants("ProjectReference")
            .Select(e => Path.GetRelativePath(Root, Path.GetFullPath(Path.Combine(directory, e.Attribute("Include")!.Value))).Replace('\\', '/'));
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TempoModular.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("TempoModular.sln not found above " + AppContext.BaseDirectory);
    }
}
