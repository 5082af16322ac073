Console.WriteLine("synthstage");
