using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Synthstage.Studio;

/// <summary>
/// The job queue's durable half: one SQLite table in the data folder (WAL journal, so pages read while a job writes
/// its progress). Every change is one statement or one transaction, so two tabs acting at once, or a kill at any
/// moment, leave a consistent queue; jobs that were running when the server stopped are queued again at the front.
/// </summary>
public sealed class JobStore
{
    /// <summary>How requests are kept (the same shape the pages send).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private readonly string _connection;

    /// <summary>Opens (and creates) the store at <paramref name="path"/>.</summary>
    public JobStore(string path)
    {
        _connection = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var db = Open();
        Execute(db, "PRAGMA journal_mode=WAL;");
        Execute(db, """
            CREATE TABLE IF NOT EXISTS jobs (
              id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL, state TEXT NOT NULL, position INTEGER NOT NULL,
              device TEXT NOT NULL, request TEXT NOT NULL, output TEXT, error TEXT, progress TEXT,
              created TEXT NOT NULL, finished TEXT, seconds REAL);
            """);
    }

    /// <summary>Adds a queued job at the end of the queue.</summary>
    public StudioJob Add(string kind, RenderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = Guid.NewGuid().ToString("N")[..12];
        using var db = Open();
        using var command = db.CreateCommand();
        command.CommandText = """
            INSERT INTO jobs (id, kind, title, state, position, device, request, created)
            VALUES ($id, $kind, $title, 'Queued', (SELECT COALESCE(MAX(position), 0) + 1 FROM jobs), $device, $request, $created);
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$title", request.Describe());
        command.Parameters.AddWithValue("$device", request.Device);
        command.Parameters.AddWithValue("$request", JsonSerializer.Serialize(request, Json));
        command.Parameters.AddWithValue("$created", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
        return Get(id)!;
    }

    /// <summary>The job, or null.</summary>
    public StudioJob? Get(string id)
    {
        using var db = Open();
        return Query(db, "SELECT * FROM jobs WHERE id = $id", ("$id", id)).FirstOrDefault();
    }

    /// <summary>All jobs in queue order.</summary>
    public IReadOnlyList<StudioJob> List()
    {
        using var db = Open();
        return Query(db, "SELECT * FROM jobs ORDER BY position");
    }

    /// <summary>Atomically marks the first queued job of <paramref name="device"/> as running and returns it, or null.</summary>
    public StudioJob? TakeNext(string device)
    {
        using var db = Open();
        using var transaction = db.BeginTransaction(deferred: false);
        var next = Query(db, "SELECT * FROM jobs WHERE state = 'Queued' AND device = $device ORDER BY position LIMIT 1", ("$device", device)).FirstOrDefault();
        if (next is null) return null;
        Update(db, "UPDATE jobs SET state = 'Running', error = NULL, finished = NULL WHERE id = $id", ("$id", next.Id));
        transaction.Commit();
        return next with { State = JobState.Running, Error = null };
    }

    /// <summary>Moves a job to <paramref name="state"/> if it is in one of <paramref name="from"/>; returns whether it moved.</summary>
    public bool Transition(string id, JobState state, params JobState[] from)
    {
        using var db = Open();
        var states = string.Join(',', from.Select(s => $"'{s}'"));
        var finished = state is JobState.Done or JobState.Failed or JobState.Cancelled ? DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) : null;
        return Update(db, $"UPDATE jobs SET state = $state, finished = $finished WHERE id = $id AND state IN ({states})",
            ("$id", id), ("$state", state.ToString()), ("$finished", finished)) == 1;
    }

    /// <summary>Records how a run ended.</summary>
    public void Finish(string id, JobState state, string? output, string? error, double seconds)
    {
        using var db = Open();
        Update(db, "UPDATE jobs SET state = $state, output = COALESCE($output, output), error = $error, seconds = $seconds, finished = $finished WHERE id = $id",
            ("$id", id), ("$state", state.ToString()), ("$output", output), ("$error", error), ("$seconds", seconds),
            ("$finished", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
    }

    /// <summary>Stores the latest progress of a running job.</summary>
    public void SaveProgress(string id, JobProgress progress)
    {
        using var db = Open();
        Update(db, "UPDATE jobs SET progress = $progress WHERE id = $id", ("$id", id), ("$progress", JsonSerializer.Serialize(progress, Json)));
    }

    /// <summary>Sets the output path of a job (known before it finishes, so a resumed run writes to the same place).</summary>
    public void SetOutput(string id, string output)
    {
        using var db = Open();
        Update(db, "UPDATE jobs SET output = $output WHERE id = $id", ("$id", id), ("$output", output));
    }

    /// <summary>Moves a waiting job to <paramref name="index"/> (0 = next) among the jobs not yet finished.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>: no such job, or it is no longer waiting.</exception>
    public void Move(string id, int index)
    {
        using var db = Open();
        using var transaction = db.BeginTransaction(deferred: false);
        var pending = Query(db, "SELECT * FROM jobs WHERE state IN ('Queued', 'Paused', 'Running') ORDER BY position").ToList();
        var job = pending.FirstOrDefault(j => j.Id == id) ?? throw new SynthstageException($"job {id} is not waiting in the queue", ExitCodes.Usage);
        if (job.State == JobState.Running) throw new SynthstageException($"job {id} is running; only waiting jobs move", ExitCodes.Usage);
        pending.Remove(job);
        // A running job keeps its place at the head.
        var running = pending.Count(j => j.State == JobState.Running);
        pending.Insert(Math.Clamp(index + running, running, pending.Count), job);
        var first = Query(db, "SELECT * FROM jobs ORDER BY position LIMIT 1").First().Position;
        for (var i = 0; i < pending.Count; i++)
            Update(db, "UPDATE jobs SET position = $p WHERE id = $id", ("$id", pending[i].Id), ("$p", first + i));
        // Finished jobs keep their relative order after the waiting ones.
        var rest = Query(db, "SELECT * FROM jobs WHERE state NOT IN ('Queued', 'Paused', 'Running') ORDER BY position").ToList();
        for (var i = 0; i < rest.Count; i++)
            Update(db, "UPDATE jobs SET position = $p WHERE id = $id", ("$id", rest[i].Id), ("$p", first + pending.Count + i));
        transaction.Commit();
    }

    /// <summary>After a restart: jobs left running go back to the queue (they resume from their finished parts).</summary>
    public int RequeueInterrupted()
    {
        using var db = Open();
        return Update(db, "UPDATE jobs SET state = 'Queued' WHERE state = 'Running'");
    }

    private SqliteConnection Open()
    {
        var db = new SqliteConnection(_connection);
        db.Open();
        return db;
    }

    private static void Execute(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static int Update(SqliteConnection db, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command.ExecuteNonQuery();
    }

    private static List<StudioJob> Query(SqliteConnection db, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        var jobs = new List<StudioJob>();
        while (reader.Read())
        {
            string? Text(string column) => reader[column] is string s ? s : null;
            jobs.Add(new StudioJob(
                Text("id")!, Text("kind")!, Text("title")!, Enum.Parse<JobState>(Text("state")!), (long)reader["position"], Text("device")!,
                JsonSerializer.Deserialize<RenderRequest>(Text("request")!, Json)!, Text("output"), Text("error"),
                Text("progress") is { } p ? JsonSerializer.Deserialize<JobProgress>(p, Json) : null,
                DateTimeOffset.Parse(Text("created")!, CultureInfo.InvariantCulture),
                Text("finished") is { } f ? DateTimeOffset.Parse(f, CultureInfo.InvariantCulture) : null,
                reader["seconds"] is double s ? s : null));
        }
        return jobs;
    }
}
